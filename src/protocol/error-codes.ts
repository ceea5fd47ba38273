import { z } from 'zod';

/** Every error code of the public contract (../shared/contract.md), plus bridge-specific ones. */
export const ErrorCodeSchema = z.enum([
  'INVALID_INPUT',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHORIZED',
  'AGENT_NOT_FOUND',
  'THREAD_NOT_FOUND',
  'INTERRUPT_NOT_FOUND',
  'THREAD_BUSY',
  'THREAD_NOT_RUNNING',
  'PENDING_INTERRUPTS',
  'UNKNOWN_INTERRUPT_ID',
  'INTERRUPT_NOT_PENDING',
  'INTERRUPT_EXPIRED',
  'UNKNOWN_TOOL_CALL_ID',
  'PENDING_TOOL_CALLS',
  'PAYLOAD_TOO_LARGE',
  'NOT_FOUND',
  'LLM_ERROR',
  'TOOL_ERROR',
  'MAX_ITERATIONS',
  'INTERNAL_ERROR',
  'SLOW_CONSUMER',
  'TOO_MANY_CONNECTIONS',
  'FORBIDDEN',
  'AGENT_EXISTS',
  'AGENT_NOT_EDITABLE',
  'AGENT_VERSION_CONFLICT',
  'RATE_LIMITED',
]);

/** A contract error code. */
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;
