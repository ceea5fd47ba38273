import { ApiError, type Api } from './api-client.js';
import { openEditDialog, openRejectDialog } from './approval-dialogs.js';
import { byTestId, h, toast } from './dom.js';
import { ago, prettyJson, untilExpiry } from './format.js';
import { poll } from './poller.js';
import type { InterruptView } from './types.js';

interface Card {
  interrupt: InterruptView;
  element: HTMLElement;
  /** A refused decision stays on screen, with its error, until the operator dismisses it. */
  failed: boolean;
}

/**
 * Pending approvals, live: polls `GET /interrupts?status=pending`, keeps one card per interrupt
 * (existing cards are not redrawn, so a half-typed decision survives a refresh), ticks ages and
 * expiries every second, and answers through `POST /interrupts/:id/resolve`.
 */
export function startApprovalsPanel(
  api: Api,
  options: { intervalMs: number; onResolved(threadId: string): void },
) {
  const list = byTestId('approvals-list');
  const count = byTestId('approvals-count');
  const empty = byTestId('approvals-empty');
  const errorLine = byTestId('approvals-error');
  const cards = new Map<string, Card>();

  const render = (pending: InterruptView[]): void => {
    const ids = new Set(pending.map((i) => i.id));
    for (const [id, card] of cards) {
      if (!ids.has(id) && !card.failed) {
        card.element.remove();
        cards.delete(id);
      }
    }
    for (const interrupt of pending) {
      if (cards.has(interrupt.id)) continue;
      const card: Card = { interrupt, element: h('article'), failed: false };
      card.element = renderCard(card);
      cards.set(interrupt.id, card);
      list.append(card.element);
    }
    count.textContent = String(pending.length);
    empty.hidden = cards.size > 0;
    tick();
  };

  const tick = (): void => {
    const now = Date.now();
    for (const { interrupt, element } of cards.values()) {
      byTestId('approval-age', element).textContent = `asked ${ago(interrupt.createdAt, now)}`;
      const expiry = byTestId('approval-expiry', element);
      expiry.textContent = untilExpiry(interrupt.expiresAt, now);
      expiry.classList.toggle(
        'warn',
        !!interrupt.expiresAt && Date.parse(interrupt.expiresAt) - now < 60_000,
      );
    }
  };

  const resolve = async (card: Card, payload: Record<string, unknown>): Promise<void> => {
    const { interrupt } = card;
    try {
      const answer = await api.post<{ continuationRunId?: string }>(
        `/interrupts/${encodeURIComponent(interrupt.id)}/resolve`,
        { status: 'resolved', payload },
      );
      card.element.remove();
      cards.delete(interrupt.id);
      empty.hidden = cards.size > 0;
      const verb = payload.approved ? 'Approved' : 'Rejected';
      toast(
        `${verb} ${interrupt.toolName ?? 'call'} on ${interrupt.threadId}; continuing in run ${answer.continuationRunId ?? '?'}`,
      );
      options.onResolved(interrupt.threadId);
      refresher.now();
    } catch (error) {
      const message =
        error instanceof ApiError ? explain(error) : `Network error: ${(error as Error).message}`;
      if (error instanceof ApiError && [404, 409, 410].includes(error.status)) markFailed(card, message);
      toast(message, 'error');
      throw new Error(message);
    }
  };

  const markFailed = (card: Card, message: string): void => {
    card.failed = true;
    card.element.classList.add('failed');
    const line = byTestId('approval-error', card.element);
    line.hidden = false;
    line.textContent = message;
    byTestId('approval-actions', card.element).replaceChildren(
      h('button', { type: 'button', testid: 'approval-dismiss', onclick: () => dismiss(card) }, 'Dismiss'),
    );
  };

  const dismiss = (card: Card): void => {
    card.element.remove();
    cards.delete(card.interrupt.id);
    empty.hidden = cards.size > 0;
  };

  const renderCard = (card: Card): HTMLElement => {
    const { interrupt } = card;
    const quietly = (payload: Record<string, unknown>) => resolve(card, payload).catch(() => undefined);
    return h(
      'article',
      {
        class: 'card approval',
        testid: 'approval-card',
        'data-interrupt-id': interrupt.id,
        'data-thread-id': interrupt.threadId,
      },
      h(
        'header',
        {},
        h('strong', { class: 'tool', testid: 'approval-tool' }, interrupt.toolName ?? interrupt.reason),
        h(
          'a',
          { href: `#/threads/${encodeURIComponent(interrupt.threadId)}`, testid: 'approval-thread' },
          interrupt.threadId,
        ),
        h('span', { class: 'subtle' }, interrupt.agentId),
      ),
      interrupt.message ? h('p', { class: 'ask' }, interrupt.message) : null,
      h('pre', { class: 'json', testid: 'approval-args' }, prettyJson(interrupt.args ?? {})),
      h(
        'p',
        { class: 'meta' },
        h('span', { testid: 'approval-age' }),
        ' · ',
        h('span', { testid: 'approval-expiry' }),
      ),
      h('p', { class: 'error', testid: 'approval-error', hidden: true }),
      h(
        'div',
        { class: 'actions', testid: 'approval-actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            testid: 'approve',
            onclick: () => void quietly({ approved: true }),
          },
          'Approve',
        ),
        h(
          'button',
          {
            type: 'button',
            testid: 'edit',
            onclick: () => openEditDialog(interrupt, (p) => resolve(card, p)),
          },
          'Edit arguments…',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            testid: 'reject',
            onclick: () => openRejectDialog(interrupt, (p) => resolve(card, p)),
          },
          'Reject…',
        ),
      ),
    );
  };

  const refresher = poll(options.intervalMs, async () => {
    try {
      const { interrupts } = await api.get<{ interrupts: InterruptView[] }>('/interrupts?status=pending');
      errorLine.hidden = true;
      render(interrupts);
    } catch (error) {
      errorLine.hidden = false;
      errorLine.textContent = `Could not load approvals: ${error instanceof ApiError ? error.describe() : (error as Error).message}`;
    }
  });
  setInterval(tick, 1000);
  return refresher;
}

/** The contract codes an operator meets, in words. */
function explain(error: ApiError): string {
  switch (error.code) {
    case 'INTERRUPT_NOT_PENDING':
      return `Already answered (409 INTERRUPT_NOT_PENDING): someone else resolved or cancelled it. ${error.message}`;
    case 'INTERRUPT_EXPIRED':
      return `Too late (410 INTERRUPT_EXPIRED): the approval expired. ${error.message}`;
    case 'INTERRUPT_NOT_FOUND':
      return `Gone (404 INTERRUPT_NOT_FOUND). ${error.message}`;
    default:
      return error.describe();
  }
}
