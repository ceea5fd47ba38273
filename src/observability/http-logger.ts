import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

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

/** Requests that are not logged: probes and scrapers would drown everything else. */
const UNLOGGED = new Set(['/health', '/metrics']);

/**
 * One JSON line per request once its response is done (`reqId`, `req`: method, URL with its
 * credentials redacted and remote address, `res`: status, `responseTime` in ms; never headers, so
 * never keys), at `error` for a 5xx, `warn` for a 4xx, `info` otherwise, the fields pino-http
 * writes. `req.log` is a child logger with the request id for the handlers, made the first time a
 * handler uses it.
 *
 * Written here rather than with pino-http: pino-http makes two child loggers per request up front
 * (one with the request id, one with the serialized request), about 3% of the bridge's CPU time
 * with 100 simultaneous runs (docs/benchmarks-history.md, step 24). This line is built only when
 * its level is enabled, and the child only when a handler logs.
 */
export function createHttpLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const reqId = requestIdOf(req, res);
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: false,
      get: () => (child ??= logger.child({ reqId })),
    });
    if (UNLOGGED.has(req.url)) return next();
    const started = Date.now();
    const done = (): void => {
      res.off('finish', done);
      res.off('close', done);
      const status = res.statusCode;
      const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const line = {
        reqId,
        req: {
          id: reqId,
          method: req.method,
          url: redactUrl(req.originalUrl),
          remoteAddress: req.socket.remoteAddress,
        },
        res: { statusCode: status },
        responseTime: Date.now() - started,
      };
      logger[level](line, res.writableFinished ? 'request completed' : 'request aborted');
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
