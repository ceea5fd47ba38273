import { h } from './dom.js';
import { prettyJson } from './format.js';
import type { InterruptView } from './types.js';

/** Sends the decision; rejects with a message to show in the dialog when the bridge refuses it. */
export type Submit = (payload: Record<string, unknown>) => Promise<void>;

/** The edit dialog: the arguments as JSON, checked on every keystroke; approves with them. */
export function openEditDialog(interrupt: InterruptView, submit: Submit): void {
  const textarea = h('textarea', {
    testid: 'edit-args',
    rows: 12,
    spellcheck: 'false',
    'aria-label': 'Arguments (JSON)',
  });
  textarea.value = prettyJson(interrupt.args ?? {});
  const error = h('p', { class: 'error', testid: 'edit-error', hidden: true });
  const send = h(
    'button',
    { type: 'submit', class: 'primary', testid: 'edit-submit' },
    'Approve with these arguments',
  );
  const check = (): Record<string, unknown> | null => {
    const result = parseArgs(textarea.value);
    showError(error, 'error' in result ? result.error : null);
    send.disabled = 'error' in result;
    return 'args' in result ? result.args : null;
  };
  textarea.addEventListener('input', check);
  openDialog(
    'edit-dialog',
    [
      h('h3', {}, `Edit the arguments of ${interrupt.toolName ?? 'the tool'}`),
      h('p', { class: 'subtle' }, 'They replace the model\u2019s arguments; the tool runs once with them.'),
      textarea,
      error,
    ],
    send,
    async () => {
      const args = check();
      if (!args) return false;
      return trySubmit(() => submit({ approved: true, args }), error);
    },
  );
}

/** The reject dialog: an optional comment that the model is told. */
export function openRejectDialog(interrupt: InterruptView, submit: Submit): void {
  const comment = h('textarea', {
    testid: 'reject-comment',
    rows: 4,
    placeholder: 'Why? The agent is told this comment.',
    'aria-label': 'Comment',
  });
  const error = h('p', { class: 'error', testid: 'reject-error', hidden: true });
  const send = h('button', { type: 'submit', class: 'danger', testid: 'reject-submit' }, 'Reject');
  openDialog(
    'reject-dialog',
    [h('h3', {}, `Reject ${interrupt.toolName ?? 'the call'}`), comment, error],
    send,
    () => {
      const text = comment.value.trim();
      return trySubmit(() => submit({ approved: false, ...(text ? { comment: text } : {}) }), error);
    },
  );
}

function parseArgs(text: string): { args: Record<string, unknown> } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { error: `Not valid JSON: ${(e as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { error: 'The arguments must be a JSON object ({ … }).' };
  return { args: value as Record<string, unknown> };
}

async function trySubmit(send: () => Promise<void>, error: HTMLElement): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (e) {
    showError(error, (e as Error).message);
    return false;
  }
}

function showError(element: HTMLElement, message: string | null): void {
  element.hidden = message === null;
  element.textContent = message ?? '';
}

/** A modal dialog; `confirm` resolves true to close it. */
function openDialog(
  testid: string,
  body: Node[],
  send: HTMLButtonElement,
  confirm: () => Promise<boolean>,
): void {
  const cancel = h('button', { type: 'button', testid: `${testid}-cancel` }, 'Cancel');
  const form = h('form', { method: 'dialog' }, ...body, h('div', { class: 'actions' }, cancel, send));
  const dialog = h('dialog', { testid, class: 'dialog' }, form);
  const close = (): void => {
    dialog.close();
    dialog.remove();
  };
  cancel.addEventListener('click', close);
  dialog.addEventListener('cancel', close);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    send.disabled = true;
    void confirm().then((done) => {
      send.disabled = false;
      if (done) close();
    });
  });
  document.body.append(dialog);
  dialog.showModal();
}
