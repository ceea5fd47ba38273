import { EventType } from '@ag-ui/core';
import type { Logger } from 'pino';
import { createThreadSnapshot } from '../protocol/thread-snapshot.js';
import type { BridgeStore } from '../store/bridge-store.js';

/** The message logged for a run whose process died before it could end it. */
export const ORPHANED_RUN_MESSAGE = 'The worker running this run died before it finished';

/**
 * Ends runs a previous process left running (it was killed before it could log their end): each
 * gets a `RUN_ERROR` (INTERNAL_ERROR) in its thread's log and the thread accepts new runs again.
 * Single-process mode only: with several instances a running run may belong to a live peer.
 */
export async function recoverOrphanedRuns(deps: {
  store: BridgeStore;
  logger: Logger;
  now: () => number;
}): Promise<number> {
  const { store, logger, now } = deps;
  const orphans = await store.threads.runningRuns();
  for (const { threadId, runId } of orphans) {
    const event = {
      type: EventType.RUN_ERROR,
      code: 'INTERNAL_ERROR',
      message: ORPHANED_RUN_MESSAGE,
      timestamp: now(),
    };
    const seq = (await store.events.lastSeq(threadId)) + 1;
    await store.events.append(threadId, [{ seq, runId, type: event.type, json: JSON.stringify(event) }]);
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
    });
    logger.warn({ threadId, runId }, 'ended a run left running by a previous process');
  }
  return orphans.length;
}
