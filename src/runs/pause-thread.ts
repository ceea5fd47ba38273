import { ConflictError, NotFoundError } from '../protocol/bridge-error.js';
import type { BridgeStore } from '../store/bridge-store.js';
import type { RunService } from './run-service.js';

/** What a pause request answers: the run that will pause (null if not recorded yet). */
export interface PauseAccepted {
  pausing: true;
  runId: string | null;
}

/**
 * Asks the thread's active run to pause at its next safe point (HTTP and WebSocket share it):
 * 404 THREAD_NOT_FOUND for a thread the tenant does not own, 409 THREAD_NOT_RUNNING when no run
 * is active. Asking again before the run reaches its safe point is harmless.
 */
export async function pauseThread(
  deps: { store: Pick<BridgeStore, 'threads'>; runs: Pick<RunService, 'pause'> },
  request: { threadId: string; tenantId: string },
): Promise<PauseAccepted> {
  const { threadId, tenantId } = request;
  const thread = await deps.store.threads.get(threadId);
  if (!thread || thread.tenantId !== tenantId) {
    throw new NotFoundError('THREAD_NOT_FOUND', `No thread with id "${threadId}"`);
  }
  const asked = await deps.runs.pause(threadId);
  if (!asked) {
    throw new ConflictError('THREAD_NOT_RUNNING', `Thread ${threadId} has no active run to pause`);
  }
  if (asked.runId !== null) return { pausing: true, runId: asked.runId };
  // Another instance runs it: the run recorded as running is the one asked to pause.
  const running = (await deps.store.threads.runs(threadId)).findLast((r) => r.status === 'running');
  return { pausing: true, runId: running?.runId ?? null };
}
