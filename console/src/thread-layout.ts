import { ApiError, type Api } from './api-client.js';
import { h } from './dom.js';
import type { EventTimeline } from './event-timeline.js';
import { prettyJson } from './format.js';
import { pauseButton } from './pause-control.js';
import { renderRunsTable } from './runs-table.js';
import type { FollowState } from './thread-follower.js';
import { statusBadge } from './threads-panel.js';
import type { ThreadSummary } from './types.js';

const FOLLOW_LABELS: Record<FollowState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  gone: 'thread gone',
};

/** The thread view's sections, and how each is updated. */
export interface ThreadLayout {
  messages: HTMLElement;
  showSummary(summary: ThreadSummary): void;
  showError(error: unknown): void;
  showFollowState(state: FollowState, detail?: string): void;
}

/** Builds the thread view into `root`: header, messages, state, runs and usage, event timeline. */
export function renderThreadLayout(
  root: HTMLElement,
  threadId: string,
  timeline: EventTimeline,
  api: Api,
): ThreadLayout {
  const status = h('span', { testid: 'thread-status' });
  const agent = h('span', { class: 'subtle', testid: 'thread-agent' });
  const follow = h(
    'span',
    { class: 'pill', testid: 'follow-state', 'data-state': 'connecting' },
    'connecting…',
  );
  const error = h('p', { class: 'error', testid: 'thread-error', hidden: true });
  // The Pause button shows while the summary says `running`; a refusal stays until the next try.
  const pauseSlot = h('span', { testid: 'thread-pause-slot' });
  const pauseError = h('p', { class: 'error', testid: 'thread-pause-error', hidden: true });
  const pausing = new Set<string>();
  const showPauseError = (message: string | null): void => {
    pauseError.hidden = message === null;
    pauseError.textContent = message ?? '';
  };
  const pending = h('p', { class: 'notice', testid: 'thread-pending', hidden: true });
  const messages = h('ol', { class: 'messages', testid: 'messages' });
  const state = h('pre', { class: 'json state', testid: 'thread-state' });
  const runs = h('div', { class: 'scroll-x', testid: 'thread-runs' });
  root.replaceChildren(
    h(
      'header',
      { class: 'thread-head' },
      h('h2', {}, 'Thread ', h('code', { testid: 'thread-id' }, threadId)),
      status,
      agent,
      follow,
      pauseSlot,
    ),
    error,
    pauseError,
    pending,
    h('h3', {}, 'Messages'),
    messages,
    h('h3', {}, 'State'),
    state,
    h('h3', {}, 'Runs and usage'),
    runs,
    h('h3', {}, 'Event timeline ', h('span', { class: 'subtle' }, '(replayed, then live)')),
    timeline.element,
  );
  return {
    messages,
    showSummary(summary) {
      error.hidden = true;
      status.replaceChildren(statusBadge(summary.status));
      agent.textContent = `agent ${summary.agentId}`;
      if (summary.status !== 'running') pausing.clear();
      pauseSlot.replaceChildren(
        summary.status === 'running'
          ? pauseButton(api, summary, { testid: 'thread-pause', pausing, showError: showPauseError })
          : '',
      );
      state.textContent = prettyJson(summary.state ?? {});
      runs.replaceChildren(renderRunsTable(summary.runs));
      pending.hidden = summary.pendingInterrupts.length + summary.pendingToolCallIds.length === 0;
      pending.textContent = pendingText(summary);
    },
    showError(e) {
      error.hidden = false;
      error.textContent = e instanceof ApiError ? e.describe() : `Network error: ${(e as Error).message}`;
    },
    showFollowState(value, detail) {
      follow.dataset.state = value;
      follow.textContent = FOLLOW_LABELS[value];
      if (detail) follow.title = detail;
    },
  };
}

function pendingText(summary: ThreadSummary): string {
  const parts: string[] = [];
  const approvals = summary.pendingInterrupts.length;
  if (approvals)
    parts.push(`${approvals} approval${approvals > 1 ? 's' : ''} pending (see Pending approvals)`);
  const tools = summary.pendingToolCallIds.length;
  if (tools)
    parts.push(
      `${tools} frontend tool result${tools > 1 ? 's' : ''} awaited: ${summary.pendingToolCallIds.join(', ')}`,
    );
  return `Waiting: ${parts.join('; ')}.`;
}
