import { z } from 'zod';
import { InternalError } from './bridge-error.js';

/** The version of the thread snapshot JSON this code writes (docs/protocol.md, "State snapshot"). */
export const THREAD_SNAPSHOT_VERSION = 1;

/** What the bridge stores per thread to continue it: the agent state, versioned. */
export const ThreadSnapshotSchema = z.object({
  version: z.literal(THREAD_SNAPSHOT_VERSION),
  /** The AG-UI state as of the thread's last run (the last STATE_SNAPSHOT/STATE_DELTA applied). */
  state: z.unknown(),
});

/** The stored snapshot of a thread. */
export type ThreadSnapshot = z.infer<typeof ThreadSnapshotSchema>;

/** A new snapshot holding `state`. */
export function createThreadSnapshot(state: unknown): ThreadSnapshot {
  return { version: THREAD_SNAPSHOT_VERSION, state: state ?? {} };
}

/** Reads stored snapshot JSON; an unknown version or a broken document is a clear error, not a crash. */
export function parseThreadSnapshot(json: string, threadId: string): ThreadSnapshot {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw new InternalError(`Thread ${threadId} has a snapshot that is not JSON`, cause);
  }
  const version = (value as { version?: unknown } | null)?.version;
  if (version !== THREAD_SNAPSHOT_VERSION) {
    throw new InternalError(
      `Thread ${threadId} has a snapshot of version ${String(version)}; this bridge reads version ${THREAD_SNAPSHOT_VERSION}`,
    );
  }
  const parsed = ThreadSnapshotSchema.safeParse(value);
  if (!parsed.success) throw new InternalError(`Thread ${threadId} has a malformed snapshot`, parsed.error);
  return parsed.data;
}
