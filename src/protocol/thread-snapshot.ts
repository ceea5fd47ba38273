import { z } from 'zod';
import { ToolSchema, ContextSchema } from '@ag-ui/core/schemas';
import { InternalError } from './bridge-error.js';

/** The version of the thread snapshot JSON this code writes (docs/protocol.md, "State snapshot"). */
export const THREAD_SNAPSHOT_VERSION = 2;

/** How the bridge treats a tool call: run it, gate it on approval, or leave it to the frontend. */
export const ToolCallKindSchema = z.enum(['backend', 'approval', 'frontend']);
/** How the bridge treats a tool call. */
export type ToolCallKind = z.infer<typeof ToolCallKindSchema>;

/** A tool call the interrupted turn left unanswered. */
export const PendingToolCallSchema = z.object({
  toolCallId: z.string(),
  toolName: z.string(),
  /** The model's arguments, as the JSON text it produced. */
  args: z.string(),
  kind: ToolCallKindSchema,
  /** The approval interrupt of an `approval` call. */
  interruptId: z.string().optional(),
});

/** What a run that stopped for answers needs to continue exactly where it stopped. */
export const PendingTurnSchema = z.object({
  runId: z.string(),
  agentId: z.string(),
  /** LLM calls made so far by the run and its continuations (counts against `maxIterations`). */
  iteration: z.number().int().nonnegative(),
  /** The frontend tools and context the interrupted run had, offered again to the continuation. */
  tools: z.array(ToolSchema),
  context: z.array(ContextSchema),
  toolCalls: z.array(PendingToolCallSchema),
});

/** What the bridge stores per thread to continue it: the agent state and any pending turn, versioned. */
export const ThreadSnapshotSchema = z.object({
  version: z.literal(THREAD_SNAPSHOT_VERSION),
  /** The AG-UI state as of the thread's last run (the last STATE_SNAPSHOT/STATE_DELTA applied). */
  state: z.unknown(),
  /** Set while the thread waits for tool results or approvals; null otherwise. */
  pending: PendingTurnSchema.nullable(),
});

/** The stored snapshot of a thread. */
export type ThreadSnapshot = z.infer<typeof ThreadSnapshotSchema>;
/** A turn waiting for answers. */
export type PendingTurn = z.infer<typeof PendingTurnSchema>;
/** One unanswered call of a pending turn. */
export type PendingToolCall = z.infer<typeof PendingToolCallSchema>;

/** A new snapshot holding `state` and no pending turn. */
export function createThreadSnapshot(state: unknown, pending: PendingTurn | null = null): ThreadSnapshot {
  return { version: THREAD_SNAPSHOT_VERSION, state: state ?? {}, pending };
}

/** Older versions this code upgrades on load; anything else is refused. */
const UPGRADES: Record<number, (old: Record<string, unknown>) => unknown> = {
  // Version 1 had no pending turns: nothing was ever waiting.
  1: (old) => ({ version: 2, state: old.state ?? {}, pending: null }),
};

/** Reads stored snapshot JSON; an unknown version or a broken document is a clear error, not a crash. */
export function parseThreadSnapshot(json: string, threadId: string): ThreadSnapshot {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw new InternalError(`Thread ${threadId} has a snapshot that is not JSON`, cause);
  }
  let version = (value as { version?: unknown } | null)?.version;
  while (typeof version === 'number' && UPGRADES[version]) {
    value = UPGRADES[version]!(value as Record<string, unknown>);
    version = (value as { version: unknown }).version;
  }
  if (version !== THREAD_SNAPSHOT_VERSION) {
    throw new InternalError(
      `Thread ${threadId} has a snapshot of version ${String(version)}; this bridge reads versions 1 to ${THREAD_SNAPSHOT_VERSION}`,
    );
  }
  const parsed = ThreadSnapshotSchema.safeParse(value);
  if (!parsed.success) throw new InternalError(`Thread ${threadId} has a malformed snapshot`, parsed.error);
  return parsed.data;
}
