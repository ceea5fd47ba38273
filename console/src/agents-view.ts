import { ApiError, type Api } from './api-client.js';
import { loadAgentCatalog, type AgentCatalog, type AgentRow } from './agent-catalog.js';
import { renderAgentDetail } from './agent-detail.js';
import { byTestId, h } from './dom.js';
import { sourceLabel } from './format.js';

/**
 * The Agents view (`#/agents`, `#/agents/<id>`): every agent with its source, version, model,
 * tools and approval policies, and the selected agent's definitions, versions and override editor.
 */
export function createAgentsView(api: Api): { show(agentId: string | null): void } {
  const root = byTestId('agents-view');
  const note = h('p', { class: 'notice', testid: 'agents-readonly', hidden: true });
  const error = h('p', { class: 'error', testid: 'agents-error', hidden: true });
  const count = h('span', { class: 'count', testid: 'agents-count' }, '0');
  const list = h('tbody', { testid: 'agents-list' });
  const detail = h('div', { class: 'agent-detail', testid: 'agent-detail' });
  const reload = h('button', { type: 'button', testid: 'agents-reload' }, 'Reload');
  root.replaceChildren(
    h('header', { class: 'thread-head' }, h('h2', {}, 'Agents ', count), reload),
    note,
    error,
    h(
      'div',
      { class: 'scroll-x' },
      h(
        'table',
        { class: 'grid' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Agent', 'Name', 'Source', 'Version', 'Model', 'Tools', 'Approval required'].map((c) =>
              h('th', { class: c === 'Version' || c === 'Tools' ? 'num' : undefined }, c),
            ),
          ),
        ),
        list,
      ),
    ),
    detail,
  );
  let selected: string | null = null;
  let catalog: AgentCatalog | null = null;

  const renderList = (): void => {
    if (!catalog) return;
    list.replaceChildren(...catalog.rows.map((row) => agentRow(row, row.id === selected)));
    count.textContent = String(catalog.rows.length);
    note.hidden = catalog.note === null;
    note.textContent = catalog.note ?? '';
  };
  const showDetail = (): void => {
    if (!selected || !catalog) {
      detail.replaceChildren(
        h('p', { class: 'empty' }, 'Select an agent to see its definition and versions.'),
      );
      return;
    }
    renderAgentDetail(api, detail, selected, catalog, () => void load());
  };
  const load = async (): Promise<void> => {
    try {
      catalog = await loadAgentCatalog(api);
      error.hidden = true;
    } catch (e) {
      error.hidden = false;
      error.textContent = `Could not load agents: ${e instanceof ApiError ? e.describe() : (e as Error).message}`;
      return;
    }
    renderList();
    showDetail();
  };
  reload.addEventListener('click', () => void load());
  return {
    show(agentId) {
      selected = agentId;
      renderList();
      void load();
    },
  };
}

function agentRow(row: AgentRow, selected: boolean): HTMLElement {
  const dash = (value: string | number | null) => (value === null ? '—' : String(value));
  return h(
    'tr',
    {
      testid: 'agent-row',
      'data-agent-id': row.id,
      'data-source': row.source ?? 'unknown',
      class: selected ? 'selected' : undefined,
    },
    h('td', {}, h('a', { href: `#/agents/${encodeURIComponent(row.id)}` }, row.id)),
    h('td', { title: row.description }, row.name),
    h(
      'td',
      { testid: 'agent-source' },
      row.source ? h('span', { class: `badge source-${row.source}` }, sourceLabel(row.source)) : '—',
      row.extends ? h('span', { class: 'subtle' }, ` extends ${row.extends}`) : null,
      row.problems ? h('span', { class: 'error', title: problemText(row) }, ' unavailable') : null,
    ),
    h('td', { class: 'num', testid: 'agent-version' }, dash(row.version)),
    h('td', { testid: 'agent-model' }, row.source === 'builtin' ? 'built-in (no LLM)' : dash(row.model)),
    h('td', { class: 'num', testid: 'agent-tools' }, dash(row.tools)),
    h(
      'td',
      { testid: 'agent-approvals' },
      row.approvals === null ? '—' : row.approvals.length ? row.approvals.join(', ') : 'none',
    ),
  );
}

function problemText(row: AgentRow): string {
  return (row.problems ?? []).map((p) => `${p.path}: ${p.message}`).join('\n');
}
