import { h } from './dom.js';
import { formatCount, formatDuration, timeOfDay } from './format.js';
import type { RunView, TokenUsage } from './types.js';

interface Totals {
  input: number;
  output: number;
  total: number;
  calls: number;
}

/** The runs of a thread with their outcome and token usage, and the thread's totals. */
export function renderRunsTable(runs: readonly RunView[]): HTMLElement {
  const sums = runs.map((run) => sum(run.usage));
  const all = sums.reduce((a, b) => add(a, b), { input: 0, output: 0, total: 0, calls: 0 });
  return h(
    'table',
    { class: 'grid', testid: 'runs-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...[
          'Run',
          'Status',
          'Started',
          'Took',
          'Outcome',
          'LLM calls',
          'Input',
          'Output',
          'Total',
          'Models',
        ].map((c, i) => h('th', { class: i >= 5 && i <= 8 ? 'num' : undefined }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      ...runs.map((run, i) =>
        h(
          'tr',
          { testid: 'run-row', 'data-run-id': run.runId, 'data-status': run.status },
          h('td', { title: run.runId }, h('code', {}, short(run.runId))),
          h('td', {}, run.status),
          h('td', {}, timeOfDay(run.startedAt)),
          h(
            'td',
            {},
            run.finishedAt ? formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt)) : '…',
          ),
          h('td', {}, outcomeOf(run)),
          ...cells(sums[i]!),
          h(
            'td',
            { class: 'subtle' },
            [...new Set(run.usage.map((u) => u.model).filter(Boolean))].join(', '),
          ),
        ),
      ),
    ),
    h(
      'tfoot',
      {},
      h(
        'tr',
        { testid: 'thread-usage' },
        h('th', { colspan: 5 }, `Thread total (${runs.length} runs)`),
        ...cells(all),
        h('td'),
      ),
    ),
  );
}

function cells(t: Totals): HTMLElement[] {
  return [t.calls, t.input, t.output, t.total].map((n) => h('td', { class: 'num' }, formatCount(n)));
}

function sum(usage: readonly TokenUsage[]): Totals {
  return usage.reduce<Totals>(
    (acc, u) =>
      add(acc, {
        input: u.inputTokens ?? 0,
        output: u.outputTokens ?? 0,
        total: u.totalTokens ?? (u.inputTokens ?? 0) + (u.outputTokens ?? 0),
        calls: 1,
      }),
    { input: 0, output: 0, total: 0, calls: 0 },
  );
}

function add(a: Totals, b: Totals): Totals {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    total: a.total + b.total,
    calls: a.calls + b.calls,
  };
}

function outcomeOf(run: RunView): string {
  if (run.error) return `${run.error.code}`;
  const outcome = run.outcome;
  if (!outcome) return run.status === 'running' ? 'running' : '—';
  if (outcome.type === 'interrupt') return `interrupt (${outcome.interrupts?.length ?? 0})`;
  if (outcome.pendingToolCallIds?.length)
    return `${outcome.type}, ${outcome.pendingToolCallIds.length} tool call(s) pending`;
  return outcome.type;
}

function short(id: string): string {
  return id.length > 13 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
}
