import { byTestId, h } from './dom.js';

const STORAGE_KEY = 'agui-bridge.console.apiKey';

/** The operator's API key: kept in sessionStorage, asked for when the API answers 401. */
export interface KeyGate {
  /** The key to send, if one was entered this session. */
  current(): string | null;
  /** Shows the key dialog (once, however many requests were refused) until a key is entered. */
  ask(reason: 'required' | 'refused'): Promise<void>;
}

/** Creates the key gate and its dialog. */
export function createKeyGate(): KeyGate {
  let pending: Promise<void> | null = null;
  const forgetButton = byTestId<HTMLButtonElement>('forget-key');
  const sync = (): void => {
    forgetButton.hidden = !sessionStorage.getItem(STORAGE_KEY);
  };
  forgetButton.addEventListener('click', () => {
    sessionStorage.removeItem(STORAGE_KEY);
    location.reload();
  });
  sync();
  return {
    current: () => sessionStorage.getItem(STORAGE_KEY),
    ask(reason) {
      pending ??= promptForKey(reason).then((key) => {
        sessionStorage.setItem(STORAGE_KEY, key);
        sync();
        pending = null;
      });
      return pending;
    },
  };
}

function promptForKey(reason: 'required' | 'refused'): Promise<string> {
  const input = h('input', {
    type: 'password',
    name: 'apiKey',
    autocomplete: 'off',
    required: true,
    testid: 'key-input',
    'aria-label': 'API key',
  });
  const explanation =
    reason === 'refused'
      ? 'The bridge refused that key (401 UNAUTHORIZED). Enter a valid key.'
      : 'This bridge requires an API key (BRIDGE_API_KEYS). It is kept for this browser session only.';
  const form = h(
    'form',
    { method: 'dialog' },
    h('h3', {}, 'API key'),
    h('p', { class: reason === 'refused' ? 'error' : 'subtle', testid: 'key-reason' }, explanation),
    input,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', testid: 'key-submit' }, 'Use key'),
    ),
  );
  const dialog = h('dialog', { testid: 'key-dialog', class: 'dialog' }, form);
  document.body.append(dialog);
  // Nothing works without a key: Escape does not dismiss the dialog.
  dialog.addEventListener('cancel', (event) => event.preventDefault());
  dialog.showModal();
  input.focus();
  return new Promise((resolve) => {
    form.addEventListener('submit', (event) => {
      const key = input.value.trim();
      if (!key) {
        event.preventDefault();
        return;
      }
      dialog.close();
      dialog.remove();
      resolve(key);
    });
  });
}
