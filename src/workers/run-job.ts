import { RunAgentInputSchema } from '@ag-ui/core/schemas';
import { z } from 'zod';
import { BridgeError, InternalError } from '../protocol/bridge-error.js';
import { ErrorCodeSchema } from '../protocol/error-codes.js';

/** The BullMQ queue of runs (its keys are `<BRIDGE_REDIS_PREFIX>runs:*`). */
export const RUN_QUEUE = 'runs';

/** BullMQ's key prefix for a bridge prefix: BullMQ adds its own `:` separator. */
export function bullPrefix(prefix: string): string {
  return prefix.endsWith(':') ? prefix.slice(0, -1) : prefix;
}

/** The pub/sub channel on which a web instance tells the worker its feed is open (the run may go). */
export function goChannel(prefix: string): string {
  return `${prefix}runs:go`;
}

/**
 * One job per (thread, run): a replayed request names the job already in the queue. BullMQ
 * forbids `:` in custom ids and integer ids, so both parts are URI-encoded and joined by `/`.
 */
export function runJobId(threadId: string, runId: string): string {
  return `${encodeURIComponent(threadId)}/${encodeURIComponent(runId)}`;
}

/** What a web instance puts in the queue: a `StartRunRequest`, plus when a worker must have taken it. */
export const RunJobDataSchema = z.object({
  agentId: z.string(),
  input: RunAgentInputSchema,
  tenantId: z.string(),
  actor: z.string().optional(),
  /** Epoch ms; a worker that picks the job up later refuses it (the web instance has given up). */
  pickupBy: z.number(),
});

/** A queued run. */
export type RunJobData = z.infer<typeof RunJobDataSchema>;

/** What a worker reports (job progress) once the run service accepted the run. */
export const RunAcceptedSchema = z.object({
  accepted: z.literal(true),
  firstSeq: z.number().int().positive(),
});

/** The worker's acceptance of a run. */
export type RunAccepted = z.infer<typeof RunAcceptedSchema>;

/** A refused start, as a failed job carries it (its `failedReason`). */
const RefusalSchema = z.object({
  code: ErrorCodeSchema,
  httpStatus: z.number().int(),
  message: z.string(),
  details: z.unknown().optional(),
});

/** Serialises a refusal so the web instance can throw the same BridgeError. */
export function toRefusal(error: BridgeError): string {
  return JSON.stringify({
    code: error.code,
    httpStatus: error.httpStatus,
    message: error.message,
    details: error.details,
  });
}

/** The BridgeError a failed job stands for; anything unreadable is a generic INTERNAL_ERROR. */
export function fromRefusal(failedReason: string): BridgeError {
  let value: unknown;
  try {
    value = JSON.parse(failedReason);
  } catch {
    return new InternalError('Internal error', new Error(failedReason));
  }
  const parsed = RefusalSchema.safeParse(value);
  if (!parsed.success) return new InternalError('Internal error', new Error(failedReason));
  const { code, httpStatus, message, details } = parsed.data;
  return new BridgeError(code, httpStatus, message, { details });
}
