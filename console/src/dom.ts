/** What `h` accepts as children: nodes, text, or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Attributes: `testid` → `data-testid`, `class`, `on<event>` listeners, anything else as is. */
export type Props = Record<string, string | number | boolean | EventListener | undefined>;

/** Creates an element (a tiny hyperscript: the console has no framework). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === 'testid') element.dataset.testid = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.filter(isChild).map((c) => (typeof c === 'number' ? String(c) : c)));
  return element;
}

function isChild(child: Child): child is Node | string | number {
  return child !== null && child !== undefined && child !== false;
}

/** The element with that `data-testid` (the page's static skeleton always has it). */
export function byTestId<T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = document): T {
  const element = root.querySelector<T>(`[data-testid="${id}"]`);
  if (!element) throw new Error(`console: no element with data-testid="${id}"`);
  return element;
}

/** Shows a short notice in the corner; errors stay longer. */
export function toast(text: string, kind: 'ok' | 'error' = 'ok'): void {
  const note = h(
    'div',
    { class: `toast ${kind}`, testid: 'toast', role: 'status', title: 'Click to dismiss' },
    text,
  );
  note.addEventListener('click', () => note.remove());
  byTestId('toasts').append(note);
  setTimeout(() => note.remove(), kind === 'error' ? 12_000 : 5_000);
}
