import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ErrorBodySchema } from './http-schemas.js';
import type { BridgeError } from '../protocol/bridge-error.js';
import {
  NotFoundError,
  PayloadTooLargeError,
  toBridgeError,
  UnsupportedMediaTypeError,
} from '../protocol/bridge-error.js';

/** The JSON error body of the contract. */
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Maps any error to an HTTP status and contract body; unknown errors say nothing of their cause. */
export function toHttpError(error: unknown): { status: number; body: ErrorBody } {
  const bridgeError = toBridgeError(fromBodyParser(error) ?? error);
  const body: ErrorBody = { error: { code: bridgeError.code, message: bridgeError.message } };
  if (bridgeError.details !== undefined) body.error.details = bridgeError.details;
  return { status: bridgeError.httpStatus, body };
}

/** body-parser reports its failures as errors with a `type`; they are the client's, not ours. */
function fromBodyParser(error: unknown): BridgeError | undefined {
  const type = (error as { type?: unknown } | null)?.type;
  switch (type) {
    case 'entity.too.large':
      return new PayloadTooLargeError(String((error as { limit?: unknown }).limit ?? ''));
    case 'entity.parse.failed':
      return new UnsupportedMediaTypeError('Request body is not valid JSON');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new UnsupportedMediaTypeError((error as Error).message);
    default:
      return undefined;
  }
}

/** Express error middleware: the one place errors become HTTP responses. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, body } = toHttpError(error);
    // req.log (createHttpLogger) carries the request id; apps built without it fall back to the logger.
    if (status >= 500) ((req as { log?: Logger }).log ?? logger).error({ err: error }, 'request failed');
    res.status(status).json(body);
  };
}

/** The 404 for routes that do not exist. */
export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(new NotFoundError('NOT_FOUND', `No route ${req.method} ${req.path}`));
};
