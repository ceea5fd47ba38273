import { ApiError, type Api } from './api-client.js';
import {
  explainRefusal,
  markApprovalFailed,
  renderApprovalCard,
  renderPausedCard,
  tickApprovalCard,
} from './approval-card.js';
import { openEditDialog, openRejectDialog } from './approval-dialogs.js';
import { byTestId, toast } from './dom.js';
import { poll, type Poller } from './poller.js';
import type { InterruptView } from './types.js';

interface Card {
  interrupt: InterruptView;
  element: HTMLElement;
  /** A refused decision stays on screen, with its error, until the operator dismisses it. */
  failed: boolean;
}

/** A decision's payload (`{ approved, args?, comment? }`, or a paused run's `{ note? }`). */
type Payload = Record<string, unknown>;

/** The body of `POST /interrupts/:id/resolve`, and how the toast names the decision. */
interface Decision {
  status: 'resolved' | 'cancelled';
  payload?: Payload;
  verb: string;
}

/**
 * Pending approvals, live: polls `GET /interrupts?status=pending`, keeps one card per interrupt
 * (existing cards are not redrawn, so an open dialog survives a refresh), ticks ages and expiries
 * every second, and answers through `POST /interrupts/:id/resolve`.
 */
export function startApprovalsPanel(
  api: Api,
  options: { intervalMs: number; onResolved(threadId: string): void },
): Poller {
  const list = byTestId('approvals-list');
  const cards = new Map<string, Card>();
  const remove = (card: Card): void => {
    card.element.remove();
    cards.delete(card.interrupt.id);
    byTestId('approvals-empty').hidden = cards.size > 0;
  };

  const resolve = async (card: Card, { verb, ...body }: Decision): Promise<void> => {
    const { interrupt } = card;
    try {
      const answer = await api.post<{ continuationRunId?: string }>(
        `/interrupts/${encodeURIComponent(interrupt.id)}/resolve`,
        body,
      );
      remove(card);
      const next = answer.continuationRunId;
      toast(`${verb} on ${interrupt.threadId}${next ? `; continuing in run ${next}` : ''}`);
      options.onResolved(interrupt.threadId);
      refresher.now();
    } catch (error) {
      const message =
        error instanceof ApiError ? explainRefusal(error) : `Network error: ${(error as Error).message}`;
      if (error instanceof ApiError && [404, 409, 410].includes(error.status)) {
        card.failed = true;
        markApprovalFailed(card.element, message, () => remove(card));
      }
      toast(message, 'error');
      // The dialog that sent it (if any) shows the message too and stays open.
      throw new Error(message);
    }
  };

  const add = (interrupt: InterruptView): void => {
    const card: Card = { interrupt, element: document.createElement('article'), failed: false };
    const tool = interrupt.toolName ?? 'the call';
    const decide = (payload: Payload) =>
      resolve(card, {
        status: 'resolved',
        payload,
        verb: `${payload.approved ? 'Approved' : 'Rejected'} ${tool}`,
      });
    const quietly = (decision: Decision) => void resolve(card, decision).catch(() => undefined);
    card.element =
      interrupt.reason === 'paused'
        ? renderPausedCard(interrupt, {
            resume: (note) =>
              quietly({ status: 'resolved', payload: note ? { note } : {}, verb: 'Resumed the paused run' }),
            cancel: () => quietly({ status: 'cancelled', verb: 'Cancelled the paused run' }),
          })
        : renderApprovalCard(interrupt, {
            approve: () => void decide({ approved: true }).catch(() => undefined),
            edit: () => openEditDialog(interrupt, decide),
            reject: () => openRejectDialog(interrupt, decide),
          });
    cards.set(interrupt.id, card);
    list.append(card.element);
  };

  const render = (pending: InterruptView[]): void => {
    const ids = new Set(pending.map((i) => i.id));
    for (const card of [...cards.values()]) if (!ids.has(card.interrupt.id) && !card.failed) remove(card);
    for (const interrupt of pending) if (!cards.has(interrupt.id)) add(interrupt);
    byTestId('approvals-count').textContent = String(pending.length);
    byTestId('approvals-empty').hidden = cards.size > 0;
  };

  const errorLine = byTestId('approvals-error');
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
  setInterval(() => {
    const now = Date.now();
    for (const { element, interrupt } of cards.values()) tickApprovalCard(element, interrupt, now);
  }, 1000);
  return refresher;
}
