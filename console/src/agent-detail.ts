import { ApiError, type Api } from './api-client.js';
import type { AgentCatalog } from './agent-catalog.js';
import { h } from './dom.js';
import { prettyJson, sourceLabel } from './format.js';
import { openOverrideEditor } from './override-editor.js';
import type { AdminAgentDetail, AgentVersionView } from './types.js';

/**
 * Draws one agent into `root`: its effective definition, the stored override and the template,
 * its version history and, when the admin API allows it, the override editor. `onSaved` reloads
 * the list (the version changed).
 */
export function renderAgentDetail(
  api: Api,
  root: HTMLElement,
  agentId: string,
  catalog: AgentCatalog,
  onSaved: () => void,
): void {
  const head = h('h3', {}, 'Agent ', h('code', { testid: 'agent-detail-id' }, agentId));
  if (!catalog.admin) {
    const agent = catalog.info[agentId];
    root.replaceChildren(
      head,
      h('p', { class: 'subtle' }, 'Read-only: what GET /info says of this agent.'),
      h('pre', { class: 'json', testid: 'agent-info' }, prettyJson(agent ?? null)),
    );
    return;
  }
  root.replaceChildren(head, h('p', { class: 'subtle' }, 'Loading…'));
  const path = `/admin/agents/${encodeURIComponent(agentId)}`;
  void Promise.all([
    api.get<AdminAgentDetail>(path),
    api.get<{ versions: AgentVersionView[] }>(`${path}/versions`).catch((e: unknown) => {
      // The built-in agent has no stored versions; anything else is worth showing.
      if (e instanceof ApiError && e.status === 404) return { versions: [] };
      throw e;
    }),
  ]).then(
    ([detail, { versions }]) => root.replaceChildren(...detailSections(api, detail, versions, onSaved, head)),
    (e: unknown) =>
      root.replaceChildren(
        head,
        h(
          'p',
          { class: 'error', testid: 'agent-detail-error' },
          e instanceof ApiError ? e.describe() : `Network error: ${(e as Error).message}`,
        ),
      ),
  );
}

function detailSections(
  api: Api,
  detail: AdminAgentDetail,
  versions: AgentVersionView[],
  onSaved: () => void,
  head: HTMLElement,
): Node[] {
  const editorSlot = h('div', { testid: 'override-slot' });
  const edit = h(
    'button',
    {
      type: 'button',
      class: 'primary',
      testid: 'edit-override',
      onclick: () => {
        edit.disabled = true;
        openOverrideEditor(api, editorSlot, detail, {
          saved: onSaved,
          closed: () => (edit.disabled = false),
        });
      },
    },
    detail.stored ? 'Edit override…' : 'Create override…',
  );
  return [
    h(
      'header',
      { class: 'thread-head' },
      head,
      h('span', { class: `badge source-${detail.source}` }, sourceLabel(detail.source)),
      h('span', { class: 'subtle', testid: 'agent-detail-version' }, versionText(detail.version)),
      detail.editable ? edit : h('span', { class: 'subtle' }, 'not editable (built into the bridge)'),
    ),
    detail.problems
      ? h(
          'ul',
          { class: 'error', testid: 'agent-problems' },
          ...detail.problems.map((p) => h('li', {}, h('code', {}, p.path), ` ${p.message}`)),
        )
      : null,
    editorSlot,
    h('h4', {}, 'Versions'),
    versionsTable(versions),
    h(
      'div',
      { class: 'agent-defs' },
      h(
        'div',
        {},
        h('h4', {}, 'Effective definition ', h('span', { class: 'subtle' }, '(what the next run uses)')),
        h(
          'pre',
          { class: 'json', testid: 'agent-effective' },
          detail.effective ? prettyJson(detail.effective) : 'Defined in code.',
        ),
      ),
      h(
        'div',
        {},
        h('h4', {}, 'Stored override'),
        h(
          'pre',
          { class: 'json', testid: 'agent-stored' },
          detail.stored ? prettyJson(detail.stored) : 'None: the file (or code) definition applies.',
        ),
        detail.template
          ? h(
              'details',
              {},
              h('summary', {}, 'YAML template'),
              h('pre', { class: 'json' }, prettyJson(detail.template)),
            )
          : null,
      ),
    ),
  ].filter((n): n is HTMLElement => n !== null);
}

function versionText(version: number | null): string {
  return version === null ? 'no stored version' : `version ${version}`;
}

function versionsTable(versions: AgentVersionView[]): HTMLElement {
  if (versions.length === 0)
    return h('p', { class: 'empty', testid: 'agent-versions-empty' }, 'No stored versions.');
  return h(
    'table',
    { class: 'grid', testid: 'agent-versions' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Version', 'Created', 'By', 'Definition'].map((c, i) =>
          h('th', { class: i === 0 ? 'num' : undefined }, c),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      // Newest first: the current version is the one people look for.
      ...[...versions]
        .reverse()
        .map((v) =>
          h(
            'tr',
            { testid: 'agent-version-row', 'data-version': v.version },
            h('td', { class: 'num' }, v.version),
            h('td', { title: v.createdAt }, new Date(v.createdAt).toLocaleString('en-GB')),
            h('td', { testid: 'agent-version-by' }, v.createdBy),
            h(
              'td',
              {},
              v.deleted
                ? h('span', { class: 'subtle' }, 'deleted: back to the file definition')
                : h(
                    'details',
                    {},
                    h('summary', {}, 'show'),
                    h('pre', { class: 'json' }, prettyJson(v.definition)),
                  ),
            ),
          ),
        ),
    ),
  );
}
