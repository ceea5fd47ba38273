import type { ApiError } from './api-client.js';
import { byTestId, h } from './dom.js';
import { ago, prettyJson, untilExpiry } from './format.js';
import type { InterruptView } from './types.js';

/** What the card's buttons do. */
export interface CardActions {
  approve(): void;
  edit(): void;
  reject(): void;
}

/** One pending approval: tool, thread, arguments, age and expiry, and the three decisions. */
export function renderApprovalCard(interrupt: InterruptView, actions: CardActions): HTMLElement {
  const button = (testid: string, label: string, onclick: () => void, kind?: string) =>
    h('button', { type: 'button', class: kind, testid, onclick }, label);
  const element = h(
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
    ...cardStatusLines(),
    h(
      'div',
      { class: 'actions', testid: 'approval-actions' },
      button('approve', 'Approve', actions.approve, 'primary'),
      button('edit', 'Edit arguments…', actions.edit),
      button('reject', 'Reject…', actions.reject, 'danger'),
    ),
  );
  tickApprovalCard(element, interrupt, Date.now());
  return element;
}

/** What a paused run's card can do: resume (with the operator's optional note) or cancel the run. */
export interface PausedCardActions {
  resume(note: string | null): void;
  cancel(): void;
}

/**
 * An interrupt with reason `paused` (an operator paused the run): "Paused run" with Resume (an
 * optional note for the agent) and Cancel run instead of the tool decisions.
 */
export function renderPausedCard(interrupt: InterruptView, actions: PausedCardActions): HTMLElement {
  const note = h('textarea', {
    testid: 'resume-note',
    rows: 2,
    placeholder: 'Optional note for the agent, sent with Resume',
    'aria-label': 'Note for the agent',
  });
  const element = h(
    'article',
    {
      class: 'card approval paused',
      testid: 'approval-card',
      'data-interrupt-id': interrupt.id,
      'data-thread-id': interrupt.threadId,
      'data-reason': interrupt.reason,
    },
    h(
      'header',
      {},
      h('strong', { class: 'tool', testid: 'approval-tool' }, 'Paused run'),
      h(
        'a',
        { href: `#/threads/${encodeURIComponent(interrupt.threadId)}`, testid: 'approval-thread' },
        interrupt.threadId,
      ),
      h('span', { class: 'subtle' }, interrupt.agentId),
    ),
    h('p', { class: 'ask' }, interrupt.message ?? 'An operator paused this run.'),
    note,
    ...cardStatusLines(),
    h(
      'div',
      { class: 'actions', testid: 'approval-actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          testid: 'resume',
          onclick: () => actions.resume(note.value.trim() || null),
        },
        'Resume',
      ),
      h(
        'button',
        { type: 'button', class: 'danger', testid: 'cancel-run', onclick: actions.cancel },
        'Cancel run',
      ),
    ),
  );
  tickApprovalCard(element, interrupt, Date.now());
  return element;
}

/** The age and expiry line (filled by `tickApprovalCard`) and the hidden error line of a card. */
function cardStatusLines(): HTMLElement[] {
  return [
    h(
      'p',
      { class: 'meta' },
      h('span', { testid: 'approval-age' }),
      ' · ',
      h('span', { testid: 'approval-expiry' }),
    ),
    h('p', { class: 'error', testid: 'approval-error', hidden: true }),
  ];
}

/** Updates the card's age and time to expiry (red in the last minute). */
export function tickApprovalCard(element: HTMLElement, interrupt: InterruptView, now: number): void {
  byTestId('approval-age', element).textContent = `asked ${ago(interrupt.createdAt, now)}`;
  const expiry = byTestId('approval-expiry', element);
  expiry.textContent = untilExpiry(interrupt.expiresAt, now);
  const left = interrupt.expiresAt ? Date.parse(interrupt.expiresAt) - now : Infinity;
  expiry.classList.toggle('warn', left < 60_000);
}

/** Turns the card red with the refusal; its only action left is to dismiss it. */
export function markApprovalFailed(element: HTMLElement, message: string, dismiss: () => void): void {
  element.classList.add('failed');
  const line = byTestId('approval-error', element);
  line.hidden = false;
  line.textContent = message;
  byTestId('approval-actions', element).replaceChildren(
    h('button', { type: 'button', testid: 'approval-dismiss', onclick: dismiss }, 'Dismiss'),
  );
}

/** The contract codes an operator meets, in words. */
export function explainRefusal(error: ApiError): string {
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
