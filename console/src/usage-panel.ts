import { ApiError, type Api } from './api-client.js';
import { byTestId, h } from './dom.js';
import { formatCost, formatCount } from './format.js';
import { poll } from './poller.js';
import type { UsageReport, UsageTotals } from './types.js';

const GROUPS = ['agent', 'model', 'thread', 'run', 'day'] as const;
const RANGES: Record<string, number | null> = {
  'last 24 h': 86_400_000,
  'last 7 days': 7 * 86_400_000,
  'last 30 days': 30 * 86_400_000,
  'all time': null,
};

/**
 * Token usage and cost from `GET /usage?groupBy=…&from=…` when the bridge has it; a bridge
 * without the route (404) keeps the panel hidden.
 */
export function startUsagePanel(api: Api, options: { intervalMs: number }): void {
  const panel = byTestId('usage-panel');
  const groupBy = h(
    'select',
    { testid: 'usage-group-by', 'aria-label': 'Group by' },
    ...GROUPS.map((g) => h('option', { value: g }, g)),
  );
  const range = h(
    'select',
    { testid: 'usage-range', 'aria-label': 'Period' },
    ...Object.keys(RANGES).map((r) => h('option', { value: r }, r)),
  );
  const table = h('div', { class: 'scroll-x', testid: 'usage-table' });
  const error = h('p', { class: 'error', testid: 'usage-error', hidden: true });
  panel.replaceChildren(
    h(
      'header',
      { class: 'thread-head' },
      h('h2', {}, 'Usage'),
      h('label', {}, 'by ', groupBy),
      h('label', {}, ' over ', range),
    ),
    error,
    table,
  );
  const poller = poll(options.intervalMs, async () => {
    const query = new URLSearchParams({ groupBy: groupBy.value });
    const span = RANGES[range.value];
    if (span) query.set('from', new Date(Date.now() - span).toISOString());
    try {
      const report = await api.get<UsageReport>(`/usage?${query.toString()}`);
      panel.hidden = false;
      error.hidden = true;
      table.replaceChildren(renderUsage(groupBy.value, report));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        // This bridge has no usage endpoint: nothing to show, and no reason to ask again.
        panel.hidden = true;
        poller.stop();
        return;
      }
      error.hidden = false;
      error.textContent = `Could not load usage: ${e instanceof ApiError ? e.describe() : (e as Error).message}`;
    }
  });
  groupBy.addEventListener('change', () => poller.now());
  range.addEventListener('change', () => poller.now());
}

function renderUsage(groupBy: string, report: UsageReport): HTMLElement {
  const row = (key: string, g: UsageTotals, testid: string, cell: 'td' | 'th' = 'td') =>
    h(
      'tr',
      { testid },
      h(cell, {}, key),
      ...[g.calls, g.inputTokens, g.outputTokens, g.cachedTokens, g.reasoningTokens, g.totalTokens].map((n) =>
        h(cell, { class: 'num' }, formatCount(n)),
      ),
      h(cell, { class: 'num' }, formatCost(g.costUsd)),
    );
  return h(
    'table',
    { class: 'grid' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...[groupBy, 'LLM calls', 'Input', 'Output', 'Cached', 'Reasoning', 'Total', 'Cost'].map((c, i) =>
          h('th', { class: i > 0 ? 'num' : undefined }, c),
        ),
      ),
    ),
    h('tbody', {}, ...report.groups.map((g) => row(g.key, g, 'usage-row'))),
    h('tfoot', {}, row('Total', report.totals, 'usage-total', 'th')),
  );
}
