import { ApiError, type Api } from './api-client.js';
import { byTestId, h } from './dom.js';
import { EventTimeline } from './event-timeline.js';
import { prettyJson } from './format.js';
import { LiveDrafts } from './live-drafts.js';
import { renderMessages } from './message-list.js';
import { poll, type Poller } from './poller.js';
import { renderRunsTable } from './runs-table.js';
import { statusBadge } from './threads-panel.js';
import { followThread, type FollowState } from './thread-follower.js';
import type { MessageView, ThreadSummary } from './types.js';

const REFRESH_ON = new Set(['RUN_STARTED', 'RUN_FINISHED', 'RUN_ERROR']);

/** The thread view: summary, messages (stored plus streaming), state, runs with usage, events. */
export function createThreadView(
  api: Api,
  options: { onRunEvent(): void },
): { show(threadId: string | null): void } {
  const root = byTestId('thread-view');
  let current: { close(): void } | null = null;
  return {
    show(threadId) {
      current?.close();
      current = null;
      if (!threadId) {
        root.replaceChildren(
          h('p', { class: 'empty' }, 'Select a thread to see its messages, state and events.'),
        );
        return;
      }
      current = openThread(api, root, threadId, options.onRunEvent);
    },
  };
}

function openThread(
  api: Api,
  root: HTMLElement,
  threadId: string,
  onRunEvent: () => void,
): { close(): void } {
  const path = `/threads/${encodeURIComponent(threadId)}`;
  const status = h('span', { testid: 'thread-status' });
  const follow = h(
    'span',
    { class: 'pill', testid: 'follow-state', 'data-state': 'connecting' },
    'connecting…',
  );
  const error = h('p', { class: 'error', testid: 'thread-error', hidden: true });
  const pending = h('p', { class: 'notice', testid: 'thread-pending', hidden: true });
  const messages = h('ol', { class: 'messages', testid: 'messages' });
  const state = h('pre', { class: 'json state', testid: 'thread-state' });
  const runs = h('div', { class: 'scroll-x', testid: 'thread-runs' });
  const timeline = new EventTimeline();
  const agent = h('span', { class: 'subtle', testid: 'thread-agent' });
  root.replaceChildren(
    h(
      'header',
      { class: 'thread-head' },
      h('h2', {}, 'Thread ', h('code', { testid: 'thread-id' }, threadId)),
      status,
      agent,
      follow,
    ),
    error,
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

  const drafts = new LiveDrafts();
  let stored: MessageView[] = [];
  let renderTimer: ReturnType<typeof setTimeout> | undefined;
  const renderMessagesSoon = (): void => {
    renderTimer ??= setTimeout(() => {
      renderTimer = undefined;
      messages.replaceChildren(...renderMessages(stored, drafts.pending(stored)));
    }, 30);
  };

  const refresher: Poller = poll(5000, async () => {
    try {
      const [summary, list] = await Promise.all([
        api.get<ThreadSummary>(path),
        api.get<MessageView[]>(`${path}/messages`),
      ]);
      stored = list;
      error.hidden = true;
      status.replaceChildren(statusBadge(summary.status));
      agent.textContent = `agent ${summary.agentId}`;
      state.textContent = prettyJson(summary.state ?? {});
      runs.replaceChildren(renderRunsTable(summary.runs));
      pending.hidden = summary.pendingInterrupts.length + summary.pendingToolCallIds.length === 0;
      pending.textContent = pendingText(summary);
      renderMessagesSoon();
    } catch (e) {
      error.hidden = false;
      error.textContent = e instanceof ApiError ? e.describe() : `Network error: ${(e as Error).message}`;
    }
  });
  const follower = followThread(api, threadId, {
    event(seq, event) {
      timeline.add(seq, event);
      if (drafts.apply(event)) renderMessagesSoon();
      if (REFRESH_ON.has(event.type)) {
        refresher.now();
        // The thread list shows the status change now rather than at its next poll.
        onRunEvent();
      }
    },
    state(value: FollowState, detail?: string) {
      follow.dataset.state = value;
      follow.textContent = {
        connecting: 'connecting…',
        live: 'live',
        reconnecting: 'reconnecting…',
        gone: 'thread gone',
      }[value];
      if (detail) follow.title = detail;
    },
  });
  return {
    close() {
      follower.close();
      refresher.stop();
      clearTimeout(renderTimer);
    },
  };
}

function pendingText(summary: ThreadSummary): string {
  const parts: string[] = [];
  const approvals = summary.pendingInterrupts.length;
  if (approvals)
    parts.push(
      `${approvals} approval${approvals > 1 ? 's' : ''} pending (answer it under Pending approvals)`,
    );
  const tools = summary.pendingToolCallIds.length;
  if (tools)
    parts.push(
      `${tools} frontend tool result${tools > 1 ? 's' : ''} awaited: ${summary.pendingToolCallIds.join(', ')}`,
    );
  return `Waiting: ${parts.join('; ')}.`;
}
