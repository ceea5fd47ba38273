import type { ErrorCode } from './error-codes.js';

/** The one error type the bridge throws on purpose: a contract code, an HTTP status and a safe message. */
export class BridgeError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly details: unknown;

  constructor(
    code: ErrorCode,
    httpStatus: number,
    message: string,
    options?: { cause?: unknown; details?: unknown },
  ) {
    super(message, { cause: options?.cause });
    this.name = new.target.name;
    this.code = code;
    this.httpStatus = httpStatus;
    this.details = options?.details;
  }
}

/** The request body failed validation; `details` lists the issues. */
export class InvalidInputError extends BridgeError {
  constructor(message: string, details?: unknown) {
    super('INVALID_INPUT', 400, message, { details });
  }
}

/** The request body is not JSON. */
export class UnsupportedMediaTypeError extends BridgeError {
  constructor(message = 'Request body must be application/json') {
    super('UNSUPPORTED_MEDIA_TYPE', 415, message);
  }
}

/** The request body is over the configured limit. */
export class PayloadTooLargeError extends BridgeError {
  constructor(limit: string) {
    super('PAYLOAD_TOO_LARGE', 413, `Request body is larger than the limit of ${limit}`);
  }
}

/** An id names nothing this caller may see. */
export class NotFoundError extends BridgeError {
  constructor(
    code: 'AGENT_NOT_FOUND' | 'THREAD_NOT_FOUND' | 'INTERRUPT_NOT_FOUND' | 'NOT_FOUND',
    message: string,
  ) {
    super(code, 404, message);
  }
}

/** The request conflicts with the thread's current state (busy, pending answers, unknown ids). */
export class ConflictError extends BridgeError {
  constructor(
    code:
      | 'THREAD_BUSY'
      | 'THREAD_NOT_RUNNING'
      | 'PENDING_INTERRUPTS'
      | 'UNKNOWN_INTERRUPT_ID'
      | 'INTERRUPT_NOT_PENDING'
      | 'UNKNOWN_TOOL_CALL_ID'
      | 'PENDING_TOOL_CALLS'
      | 'AGENT_EXISTS'
      | 'AGENT_NOT_EDITABLE'
      | 'AGENT_VERSION_CONFLICT',
    message: string,
    details?: unknown,
  ) {
    super(code, 409, message, { details });
  }
}

/** The caller is authenticated but may not use this route (e.g. /admin outside BRIDGE_ADMIN_TENANTS). */
export class ForbiddenError extends BridgeError {
  constructor(message: string) {
    super('FORBIDDEN', 403, message);
  }
}

/** The LLM endpoint failed: HTTP error, timeout or a malformed stream. */
export class LlmError extends BridgeError {
  constructor(message: string, cause?: unknown) {
    super('LLM_ERROR', 502, message, { cause });
  }
}

/** A backend tool could not be run at all (as opposed to a tool answering with an error result). */
export class ToolError extends BridgeError {
  constructor(message: string, cause?: unknown) {
    super('TOOL_ERROR', 502, message, { cause });
  }
}

/** The agent reached its `maxIterations` LLM calls in one run. */
export class MaxIterationsError extends BridgeError {
  constructor(limit: number) {
    super('MAX_ITERATIONS', 500, `The agent made ${limit} LLM calls without finishing (maxIterations)`);
  }
}

/** Too many requests (or runs) in the current minute; `details.retryAfterSeconds` says when to try again. */
export class RateLimitedError extends BridgeError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, what = 'requests') {
    super('RATE_LIMITED', 429, `Too many ${what}; retry after ${retryAfterSeconds} s`, {
      details: { retryAfterSeconds },
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Anything unexpected; the message sent to clients is generic, the cause goes to the log. */
export class InternalError extends BridgeError {
  constructor(message = 'Internal error', cause?: unknown) {
    super('INTERNAL_ERROR', 500, message, { cause });
  }
}

/** Turns anything thrown into a BridgeError; unknown errors become a generic INTERNAL_ERROR. */
export function toBridgeError(error: unknown): BridgeError {
  return error instanceof BridgeError ? error : new InternalError('Internal error', error);
}
