import { ApiError, type Api } from './api-client.js';
import { byTestId, h } from './dom.js';
import { ago } from './format.js';
import { pauseButton } from './pause-control.js';
import { poll, type Poller } from './poller.js';
import type { ThreadRow } from './types.js';

/** The thread list, live: polls `GET /threads` and marks the selected thread. */
export function startThreadsPanel(
  api: Api,
  options: { intervalMs: number },
): Poller & { select(id: string | null): void } {
  const body = byTestId('threads-list');
  const count = byTestId('threads-count');
  const empty = byTestId('threads-empty');
  const errorLine = byTestId('threads-error');
  let selected: string | null = null;
  let rows: ThreadRow[] = [];
  /** Threads whose pause was accepted and that still show `running`. */
  const pausing = new Set<string>();
  /** A refused pause stays under its row until dismissed (or the next pause). */
  const pauseErrors = new Map<string, string>();

  const render = (): void => {
    const now = Date.now();
    for (const id of pausing)
      if (!rows.some((r) => r.threadId === id && r.status === 'running')) pausing.delete(id);
    const action = (thread: ThreadRow) =>
      thread.status === 'running'
        ? pauseButton(api, thread, {
            testid: 'thread-row-pause',
            pausing,
            showError(message) {
              if (message) pauseErrors.set(thread.threadId, message);
              else pauseErrors.delete(thread.threadId);
              render();
            },
          })
        : null;
    body.replaceChildren(
      ...rows.flatMap((thread) => [
        h(
          'tr',
          {
            testid: 'thread-row',
            'data-thread-id': thread.threadId,
            'data-status': thread.status,
            class: thread.threadId === selected ? 'selected' : undefined,
          },
          h('td', {}, h('a', { href: `#/threads/${encodeURIComponent(thread.threadId)}` }, thread.threadId)),
          h('td', {}, thread.agentId),
          h('td', {}, statusBadge(thread.status)),
          h('td', { class: 'subtle', title: thread.updatedAt }, ago(thread.updatedAt, now)),
          h('td', {}, action(thread)),
        ),
        ...pauseErrorRow(thread.threadId, pauseErrors, render),
      ]),
    );
    count.textContent = String(rows.length);
    empty.hidden = rows.length > 0;
  };

  const poller = poll(options.intervalMs, async () => {
    try {
      const page = await api.get<{ threads: ThreadRow[] }>('/threads?limit=100');
      rows = page.threads;
      errorLine.hidden = true;
      render();
    } catch (error) {
      errorLine.hidden = false;
      errorLine.textContent = `Could not load threads: ${error instanceof ApiError ? error.describe() : (error as Error).message}`;
    }
  });
  return {
    ...poller,
    select(id) {
      selected = id;
      render();
    },
  };
}

function pauseErrorRow(threadId: string, errors: Map<string, string>, render: () => void): HTMLElement[] {
  const message = errors.get(threadId);
  if (!message) return [];
  const dismiss = () => {
    errors.delete(threadId);
    render();
  };
  return [
    h(
      'tr',
      { class: 'row-error', testid: 'thread-pause-error', 'data-thread-id': threadId },
      h(
        'td',
        { colspan: 5 },
        h('span', { class: 'error' }, message),
        ' ',
        h(
          'button',
          { type: 'button', class: 'link', testid: 'thread-pause-error-dismiss', onclick: dismiss },
          'Dismiss',
        ),
      ),
    ),
  ];
}

/** `idle`, `running`, `interrupted`, `awaiting_tool_results` as a coloured badge. */
export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status}`, testid: 'status-badge' }, status.replaceAll('_', ' '));
}
