import { RunAgentInputSchema } from '@ag-ui/core/schemas';
import { z } from 'zod';
import type { LiveErrorCode } from '../live/live-limits.js';
import type { ErrorCode } from '../protocol/error-codes.js';

/** `{ type: "run" }`: starts a run; its events come back as `event` frames. */
export const WsRunSchema = z.object({
  type: z.literal('run'),
  agentId: z.string().min(1),
  input: RunAgentInputSchema,
});
/** `{ type: "subscribe" }`: replay after `after` (default 0), then follow live. */
export const WsSubscribeSchema = z.object({
  type: z.literal('subscribe'),
  threadId: z.string().min(1),
  after: z.number().int().min(0).optional(),
});
/** `{ type: "unsubscribe" }`. */
export const WsUnsubscribeSchema = z.object({ type: z.literal('unsubscribe'), threadId: z.string().min(1) });
/** `{ type: "stop" }`: cancels the thread's active run. */
export const WsStopSchema = z.object({ type: z.literal('stop'), threadId: z.string().min(1) });
/** `{ type: "pause" }`: pauses the thread's active run at its next safe point. */
export const WsPauseSchema = z.object({ type: z.literal('pause'), threadId: z.string().min(1) });
/** `{ type: "resolve" }`: answers an interrupt, as `POST /interrupts/:id/resolve`. */
export const WsResolveSchema = z.object({
  type: z.literal('resolve'),
  interruptId: z.string().min(1),
  status: z.enum(['resolved', 'cancelled']),
  payload: z.unknown().optional(),
});
/** `{ type: "ping" }`: answered by `{ type: "pong" }`. */
export const WsPingSchema = z.object({ type: z.literal('ping') });

/** Any client → server message (../shared/contract.md, WebSocket). */
export const WsClientMessageSchema = z.discriminatedUnion('type', [
  WsRunSchema,
  WsSubscribeSchema,
  WsUnsubscribeSchema,
  WsStopSchema,
  WsPauseSchema,
  WsResolveSchema,
  WsPingSchema,
]);

/** Any client → server message. */
export type WsClientMessage = z.infer<typeof WsClientMessageSchema>;
/** The `type` of a client message. */
export type WsRequestType = WsClientMessage['type'];

const REQUEST_TYPES: ReadonlySet<string> = new Set(
  WsClientMessageSchema.options.map((o) => o.shape.type.value),
);

/** The code of an `error` frame. */
export type WsErrorCode = ErrorCode | LiveErrorCode;

/** `{ type: "error" }`: a refused or failed request, or a subscription that ended on its own. */
export interface WsErrorFrame {
  type: 'error';
  code: WsErrorCode;
  message: string;
  requestType?: WsRequestType;
  threadId?: string;
  interruptId?: string;
  details?: unknown;
  /** With `SLOW_CONSUMER`: subscribe again with this `after`. */
  lastSeq?: number;
}

/** `{ type: "ack" }`: a request took effect (an addition to the contract's frames). */
export interface WsAckFrame {
  type: 'ack';
  requestType: Exclude<WsRequestType, 'run' | 'ping'>;
  threadId?: string;
  interruptId?: string;
  /** With `stop`: whether a run was active. */
  stopped?: boolean;
  /** With `pause`: the run that will pause (null when another instance has not recorded it yet). */
  runId?: string | null;
}

/** Server → client frames other than `event` (which is spliced from logged JSON, see `eventFrame`). */
export type WsServerFrame = WsErrorFrame | WsAckFrame | { type: 'pong' };

/** `{ type: "event", threadId, seq, event }` with the logged JSON spliced in (serialized once). */
export function eventFrame(threadId: string, seq: number, json: string): string {
  return `{"type":"event","threadId":${JSON.stringify(threadId)},"seq":${seq},"event":${json}}`;
}

/** The message's `type` when it names a known request (for `requestType` on errors). */
export function requestTypeOf(value: unknown): WsRequestType | undefined {
  const type = (value as { type?: unknown } | null)?.type;
  return typeof type === 'string' && REQUEST_TYPES.has(type) ? (type as WsRequestType) : undefined;
}

/** Zod issues as the contract's `details`: `[{ path, message, code }]`. */
export function issueDetails(error: z.ZodError): { path: string; message: string; code: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: issue.code,
  }));
}
