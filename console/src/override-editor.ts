import { ApiError, type Api } from './api-client.js';
import { h, toast } from './dom.js';
import { prettyJson } from './format.js';
import type { AdminAgentDetail, DefinitionIssue } from './types.js';

/**
 * The override editor: the stored definition as JSON, checked on every keystroke, saved with
 * `PUT /admin/agents/:id` as the next version. A refusal lists every field the bridge named.
 */
export function openOverrideEditor(
  api: Api,
  slot: HTMLElement,
  detail: AdminAgentDetail,
  on: { saved(): void; closed(): void },
): void {
  const textarea = h('textarea', {
    testid: 'override-json',
    rows: 14,
    spellcheck: 'false',
    'aria-label': 'Stored definition (JSON)',
  });
  const { id: _id, ...stored } = detail.stored ?? {};
  textarea.value = prettyJson(stored);
  const check = h('p', { class: 'error', testid: 'override-json-error', hidden: true });
  const refusal = h('div', { class: 'error', testid: 'override-refusal', hidden: true });
  const next = (detail.version ?? 0) + 1;
  const save = h(
    'button',
    { type: 'submit', class: 'primary', testid: 'override-save' },
    `Save as version ${next}`,
  );
  const cancel = h('button', { type: 'button', testid: 'override-cancel' }, 'Cancel');
  const close = (): void => {
    slot.replaceChildren();
    on.closed();
  };
  const parse = (): Record<string, unknown> | null => {
    let value: unknown;
    let problem: string | null = null;
    try {
      value = JSON.parse(textarea.value);
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        problem = 'The definition must be a JSON object ({ … }).';
    } catch (e) {
      problem = `Not valid JSON: ${(e as Error).message}`;
    }
    check.hidden = problem === null;
    check.textContent = problem ?? '';
    save.disabled = problem !== null;
    return problem === null ? (value as Record<string, unknown>) : null;
  };
  textarea.addEventListener('input', () => void parse());
  cancel.addEventListener('click', close);
  const form = h(
    'form',
    { class: 'override-editor', testid: 'override-editor' },
    h('h4', {}, `Stored override of ${detail.id}`),
    h(
      'p',
      { class: 'subtle' },
      'Replaces the stored definition as a whole (fields left out come from the template; see docs/agents.md). ' +
        'Runs started after saving use it.',
    ),
    textarea,
    check,
    refusal,
    h('div', { class: 'actions' }, cancel, save),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = parse();
    if (!body) return;
    save.disabled = true;
    api.put<AdminAgentDetail>(`/admin/agents/${encodeURIComponent(detail.id)}`, body).then(
      (saved) => {
        toast(`Saved ${saved.id} version ${saved.version ?? '?'}; the next run uses it`);
        close();
        on.saved();
      },
      (e: unknown) => {
        save.disabled = false;
        showRefusal(refusal, e);
      },
    );
  });
  slot.replaceChildren(form);
  textarea.focus();
}

/** The bridge's refusal; INVALID_INPUT's `details` as one line per named field. */
function showRefusal(element: HTMLElement, error: unknown): void {
  element.hidden = false;
  if (!(error instanceof ApiError)) {
    element.replaceChildren(`Network error: ${(error as Error).message}`);
    return;
  }
  const issues = Array.isArray(error.details) ? (error.details as DefinitionIssue[]) : [];
  const title =
    error.code === 'INVALID_INPUT'
      ? `Refused (400 INVALID_INPUT): ${issues.length || 'some'} field${issues.length === 1 ? '' : 's'} to fix.`
      : error.code === 'AGENT_VERSION_CONFLICT'
        ? `Someone else saved a version first (409 AGENT_VERSION_CONFLICT): reload the agent and edit again.`
        : error.describe();
  element.replaceChildren(
    h('strong', { testid: 'override-refusal-title' }, title),
    issues.length === 0
      ? ''
      : h(
          'ul',
          {},
          ...issues.map((issue) =>
            h(
              'li',
              { testid: 'override-issue', 'data-path': issue.path },
              h('code', {}, issue.path || '(whole definition)'),
              ` ${issue.message}`,
            ),
          ),
        ),
  );
}
