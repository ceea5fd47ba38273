import type { Api } from './api-client.js';
import { byTestId, h } from './dom.js';
import { EventTimeline } from './event-timeline.js';
import { LiveDrafts } from './live-drafts.js';
import { renderMessages } from './message-list.js';
import { poll } from './poller.js';
import { followThread } from './thread-follower.js';
import { renderThreadLayout } from './thread-layout.js';
import type { MessageView, ThreadSummary } from './types.js';

/** Events after which the stored summary and messages have changed. */
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

/**
 * Shows one thread: its summary and messages are read on open, after each run starts or ends, and
 * every 5 s; its events are followed live, and the run in flight is drawn from them.
 */
function openThread(api: Api, root: HTMLElement, threadId: string, onRunEvent: () => void) {
  const path = `/threads/${encodeURIComponent(threadId)}`;
  const timeline = new EventTimeline();
  const layout = renderThreadLayout(root, threadId, timeline, api);
  const drafts = new LiveDrafts();
  let stored: MessageView[] = [];
  let renderTimer: ReturnType<typeof setTimeout> | undefined;
  // Streaming text arrives an event at a time: redraw at most every 30 ms.
  const renderMessagesSoon = (): void => {
    renderTimer ??= setTimeout(() => {
      renderTimer = undefined;
      layout.messages.replaceChildren(...renderMessages(stored, drafts.pending(stored)));
    }, 30);
  };

  const refresher = poll(5000, async () => {
    try {
      const [summary, messages] = await Promise.all([
        api.get<ThreadSummary>(path),
        api.get<MessageView[]>(`${path}/messages`),
      ]);
      stored = messages;
      layout.showSummary(summary);
      renderMessagesSoon();
    } catch (error) {
      layout.showError(error);
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
    state: (value, detail) => layout.showFollowState(value, detail),
  });
  return {
    close() {
      follower.close();
      refresher.stop();
      clearTimeout(renderTimer);
    },
  };
}
