import express, { type RequestHandler } from 'express';
import { UnsupportedMediaTypeError } from '../protocol/bridge-error.js';

/**
 * Parses JSON bodies up to `limit`. A body with another media type is refused with 415 before it is
 * read; a request without a body passes through (its route validates what it needs).
 */
export function jsonBody(limit: string): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody =
      req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is(['application/json', 'application/*+json'])) {
      next(
        new UnsupportedMediaTypeError(
          `Request body must be application/json, not ${req.headers['content-type'] ?? 'unspecified'}`,
        ),
      );
      return;
    }
    next();
  };
  return [requireJson, express.json({ limit, type: ['application/json', 'application/*+json'] })];
}
