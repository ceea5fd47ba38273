import { EventType } from '@ag-ui/core';
import type { Logger } from 'pino';
import type { RunLock } from '../cluster/run-lock.js';
import type { EventBus } from '../live/event-bus.js';
import { createThreadSnapshot } from '../protocol/thread-snapshot.js';
import type { BridgeStore } from '../store/bridge-store.js';

/** The message logged for a run whose process died before it could end it. */
export const ORPHANED_RUN_MESSAGE = 'The worker running this run died before it finished';

/** What the reaper needs. */
export interface ReaperDeps {
  store: BridgeStore;
  lock: RunLock;
  bus: EventBus;
  logger: Logger;
  now: () => number;
  /** True for threads this process runs right now. */
  isLocal: (threadId: string) => boolean;
}

/**
 * Ends runs whose worker died (killed before it could log their end): a run recorded as running
 * whose thread lock nobody holds any more. Each gets a `RUN_ERROR` (INTERNAL_ERROR) in its thread's
 * log, published to live subscribers, and the thread accepts new runs again. Taking the lock first
 * means one reaper per run, and never a run that is alive somewhere.
 */
export async function recoverOrphanedRuns(deps: ReaperDeps): Promise<number> {
  let reaped = 0;
  for (const { threadId, runId } of await deps.store.threads.runningRuns()) {
    if (deps.isLocal(threadId)) continue;
    const lease = await deps.lock.acquire(threadId);
    if (!lease) continue;
    try {
      // It may have ended normally between the query and the lock.
      const still = (await deps.store.threads.runningRuns()).some((r) => r.runId === runId);
      if (still) {
        await endOrphan(deps, threadId, runId);
        reaped += 1;
      }
    } finally {
      await lease.release();
    }
  }
  return reaped;
}

async function endOrphan(deps: ReaperDeps, threadId: string, runId: string): Promise<void> {
  const { store, now } = deps;
  const event = {
    type: EventType.RUN_ERROR,
    code: 'INTERNAL_ERROR',
    message: ORPHANED_RUN_MESSAGE,
    timestamp: now(),
  };
  const logged = [
    { seq: (await store.events.lastSeq(threadId)) + 1, runId, type: event.type, json: JSON.stringify(event) },
  ];
  const thread = await store.threads.get(threadId);
  await store.threads.finishRun({
    threadId,
    runId,
    status: 'error',
    threadStatus: 'idle',
    outcome: null,
    error: { code: 'INTERNAL_ERROR', message: ORPHANED_RUN_MESSAGE },
    usage: [],
    finishedAt: new Date(now()),
    messages: [],
    snapshot: thread?.snapshot ?? createThreadSnapshot({}),
    toolCalls: [],
    interrupts: [],
    tenantId: thread?.tenantId ?? 'default',
    agentId: thread?.agentId ?? '',
    // Logged with the end, in one transaction: a crash in between cannot leave one without the other.
    events: logged,
  });
  deps.bus.publish(threadId, logged);
  deps.logger.warn({ threadId, runId }, 'ended a run whose worker died');
}
