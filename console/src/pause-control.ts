import { ApiError, type Api } from './api-client.js';
import { h, toast } from './dom.js';

/** A running thread, as much as pausing it needs. */
export interface PausableThread {
  threadId: string;
  agentId: string;
}

/**
 * Asks the bridge to pause the thread's run (`POST /agent/:agentId/pause/:threadId`, 202). The run
 * stops after its current step and waits in Pending approvals as a "Paused run". Rejects with a
 * message for people when refused.
 */
export async function pauseThread(api: Api, thread: PausableThread): Promise<void> {
  const path = `/agent/${encodeURIComponent(thread.agentId)}/pause/${encodeURIComponent(thread.threadId)}`;
  try {
    const answer = await api.post<{ pausing?: boolean; runId?: string }>(path, {});
    toast(
      `Pausing run ${answer.runId ?? '?'} on ${thread.threadId}: it stops after its current step and waits under Pending approvals.`,
    );
  } catch (error) {
    const message =
      error instanceof ApiError ? explainPauseRefusal(error) : `Network error: ${(error as Error).message}`;
    toast(message, 'error');
    throw new Error(message);
  }
}

/** The answers an operator meets when pausing, in words. */
export function explainPauseRefusal(error: ApiError): string {
  switch (error.code) {
    case 'THREAD_NOT_RUNNING':
      return `Nothing to pause (409 THREAD_NOT_RUNNING): the thread has no run in flight; it may have just finished. ${error.message}`;
    case 'NOT_FOUND':
      return `This bridge cannot pause runs (404: no pause route). ${error.message}`;
    case 'THREAD_NOT_FOUND':
    case 'AGENT_NOT_FOUND':
      return `Gone (404 ${error.code}). ${error.message}`;
    default:
      return error.describe();
  }
}

/**
 * A Pause button: disabled while the request is in flight; a refusal goes to `showError` (and a
 * toast).
 */
export function pauseButton(
  api: Api,
  thread: PausableThread,
  options: { testid: string; showError(message: string | null): void; pausing?: Set<string> },
): HTMLButtonElement {
  const button = h(
    'button',
    { type: 'button', class: 'pause', testid: options.testid, title: 'Pause the run after its current step' },
    'Pause',
  );
  if (options.pausing?.has(thread.threadId)) {
    button.disabled = true;
    button.textContent = 'Pausing…';
  }
  button.addEventListener('click', () => {
    button.disabled = true;
    button.textContent = 'Pausing…';
    // Marked first: clearing the error may redraw the button, which must then say "Pausing…".
    options.pausing?.add(thread.threadId);
    options.showError(null);
    pauseThread(api, thread).catch((e: unknown) => {
      options.pausing?.delete(thread.threadId);
      button.disabled = false;
      button.textContent = 'Pause';
      options.showError((e as Error).message);
    });
  });
  return button;
}
