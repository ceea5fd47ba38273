import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/** The header that carries a request's id in and out. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

// Incoming ids are echoed into logs and headers: only short, plain ones are kept.
const ACCEPTABLE_ID = /^[\w.:-]{1,128}$/;

/** The request's id: a plain incoming `X-Request-Id`, else a new UUID; set on the response. */
export function requestIdOf(req: IncomingMessage, res: ServerResponse, generateId = randomUUID): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && ACCEPTABLE_ID.test(incoming) ? incoming : generateId();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** Removes credentials a client put in a URL (`?token=` is how browsers authenticate WebSockets). */
export function redactUrl(url: string | undefined): string {
  return (url ?? '').replace(/([?&](?:token|api_key|key)=)[^&]*/gi, '$1[redacted]');
}

/**
 * One JSON line per request (method, URL, status, duration, request id; never headers, so never
 * keys); `req.log` is a child logger with the request id for the handlers. `/health` and
 * `/metrics` are not logged: probes and scrapers would drown everything else.
 */
export function createHttpLogger(logger: Logger): RequestHandler {
  return pinoHttp<IncomingMessage, ServerResponse, never>({
    logger,
    genReqId: (req, res) => requestIdOf(req, res),
    // Handlers' lines carry only reqId; the request itself is logged once, when it completes.
    quietReqLogger: true,
    autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  }) as unknown as RequestHandler;
}
