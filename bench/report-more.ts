import type { ContestantResults, SuitePlan } from './figures.js';
import { markdownTable, medianRateOf, ms, percentOf, rate } from './format.js';
import { median } from './stats.js';

/** Contestants that have `pick`, as table columns. */
function columns<T>(
  results: ContestantResults[],
  pick: (r: ContestantResults) => T | undefined,
): { header: string[]; rows: (name: string, cell: (value: T) => string) => string[] } {
  const having = results.filter((r) => pick(r) !== undefined);
  return {
    header: ['', ...having.map((r) => r.label)],
    rows: (name, cell) => [name, ...having.map((r) => cell(pick(r) as T))],
  };
}

const kb = (bytes: number | undefined): string =>
  bytes === undefined || !Number.isFinite(bytes) ? '–' : (bytes / 1024).toFixed(1);

/** Figure 2b: added latency per event. */
function latencyTable(results: ContestantResults[], plan: SuitePlan): string {
  const { header, rows } = columns(results, (r) => r.latency);
  const { levels, events, intervalMs, reps } = plan.latency;
  return [
    `### Figure 2b: added latency per event, agent emit → client receive (runs of ${events} events, one every ${intervalMs} ms, ${reps} batches)`,
    '',
    `The median and the p99 are the medians of the ${reps} batches' own; each batch's p99 is in the row after them.`,
    '',
    markdownTable(header, [
      ...levels.flatMap((level) => [
        rows(`${level} runs: median ms`, (l) => ms(l[level]?.medianMs ?? Number.NaN)),
        rows(`${level} runs: p99 ms`, (l) => ms(l[level]?.p99Ms ?? Number.NaN)),
        rows(`${level} runs: p99 of each batch, ms`, (l) => l[level]?.batchP99Ms?.map(ms).join(' / ') ?? '–'),
        rows(
          `${level} runs: samples (failed runs)`,
          (l) => `${l[level]?.count ?? 0} (${l[level]?.failed ?? 0})`,
        ),
      ]),
    ]),
  ].join('\n');
}

/** Figure 4: fan-out. */
function fanoutTable(results: ContestantResults[], plan: SuitePlan): string {
  const { header, rows } = columns(results, (r) => r.fanout);
  const keys = plan.fanout.transports.flatMap((t) => plan.fanout.subscribers.map((n) => [t, n] as const));
  return [
    `### Figure 4: fan-out: one run of ${plan.fanout.events} events followed live by 1 to ${Math.max(...plan.fanout.subscribers)} subscribers`,
    '',
    'Events/s counts the events delivered to all subscribers together; every subscriber must receive the ' +
      'complete run (counted per subscriber), or the cell says what was missing.',
    '',
    markdownTable(header, [
      ...keys.map(([t, n]) =>
        rows(`${t.toUpperCase()} x ${n}: events/s delivered`, (f) => {
          const s = f[`${t}:${n}`];
          return s ? `${rate(s.eventsPerSec)}${s.complete ? '' : ' (INCOMPLETE)'}` : '–';
        }),
      ),
      ...keys.map(([t, n]) =>
        rows(`${t.toUpperCase()} x ${n}: latency p99 ms`, (f) => ms(f[`${t}:${n}`]?.p99Ms ?? Number.NaN)),
      ),
      ...keys.map(([t, n]) =>
        rows(`${t.toUpperCase()} x ${n}: latency median ms`, (f) =>
          ms(f[`${t}:${n}`]?.medianMs ?? Number.NaN),
        ),
      ),
    ]),
  ].join('\n');
}

/** Figure 5: memory. */
function memoryTable(results: ContestantResults[], plan: SuitePlan): string {
  const { header, rows } = columns(results, (r) => r.memory);
  return [
    `### Figure 5: resident memory per idle SSE subscriber (2 waves of ${plan.memory.idleSubscribers} open) and per active run (2 waves of ${plan.memory.activeRuns} held after ${plan.memory.holdAfter} events)`,
    '',
    "KB of the server's process, a process of its own that runs that server alone (RSS and V8 heap after a full " +
      'collection), delta over the open connections / runs.',
    '',
    markdownTable(header, [
      rows('idle SSE subscriber: KB RSS (second wave)', (m) => kb(m.idleSubscriber?.rssBytes)),
      rows('idle SSE subscriber: KB RSS (first wave)', (m) => kb(m.idleSubscriber?.firstWaveRssBytes)),
      rows('idle SSE subscriber: KB heap', (m) => kb(m.idleSubscriber?.heapBytes)),
      rows('active run: KB RSS (second wave)', (m) => kb(m.activeRun?.rssBytes)),
      rows('active run: KB RSS (first wave)', (m) => kb(m.activeRun?.firstWaveRssBytes)),
      rows('active run: KB heap', (m) => kb(m.activeRun?.heapBytes)),
    ]),
  ].join('\n');
}

/** Figure 6: persistence on vs off. */
function persistenceTable(results: ContestantResults[], plan: SuitePlan): string {
  const { header, rows } = columns(results, (r) => r.persistence);
  const off = results.find((r) => r.key === 'bridge-sqlite-memlog')?.persistence;
  const { events, concurrency, concurrentEvents } = plan.persistence;
  return [
    `### Figure 6: persistence cost: event log in the database vs in memory`,
    '',
    markdownTable(header, [
      rows(`one run of ${events}: events/s, median`, (p) => rate(medianRateOf(p.single))),
      rows(`${concurrency} runs of ${concurrentEvents}: events/s`, (p) => rate(medianRateOf(p.concurrent))),
      rows('event log rows written/s', (p) =>
        p.rowsPerSec === undefined ? 'in memory' : rate(p.rowsPerSec),
      ),
      rows('one run: share of the in-memory log', (p) =>
        percentOf(medianRateOf(p.single), medianRateOf(off?.single)),
      ),
      rows(`${concurrency} runs: share of the in-memory log`, (p) =>
        percentOf(medianRateOf(p.concurrent), medianRateOf(off?.concurrent)),
      ),
    ]),
  ].join('\n');
}

/** Figure 7b: a thread with earlier runs. */
function historyTable(results: ContestantResults[], plan: SuitePlan): string {
  const { header, rows } = columns(results, (r) => r.history);
  const { earlierRuns, events, reps, earlierEvents } = plan.history;
  const first = earlierRuns[0] ?? 1;
  return [
    `### Figure 7b: the next run on a thread with ${earlierRuns.join(', ')} earlier runs (${reps} runs of ${events} events; earlier runs of ${earlierEvents})`,
    '',
    markdownTable(header, [
      ...earlierRuns.map((n) => rows(`${n} earlier: events/s, median`, (h) => rate(medianRateOf(h[n])))),
      ...earlierRuns.map((n) =>
        rows(`${n} earlier: RUN_STARTED median ms`, (h) => ms(median(h[n]?.runStartedMs ?? []))),
      ),
      ...earlierRuns
        .slice(1)
        .map((n) =>
          rows(`${n} earlier: events/s vs ${first} earlier`, (h) =>
            percentOf(medianRateOf(h[n]), medianRateOf(h[first])),
          ),
        ),
    ]),
  ].join('\n');
}

/** The tables of figures 2b, 4, 5, 6 and 7b. */
export function moreFigureTables(results: ContestantResults[], plan: SuitePlan): string {
  const notes = results.flatMap((r) => r.notes.map((n) => `- ${r.label}: ${n}`));
  return [
    latencyTable(results, plan),
    fanoutTable(results, plan),
    memoryTable(results, plan),
    persistenceTable(results, plan),
    historyTable(results, plan),
    ...(notes.length > 0 ? [['Figures that do not apply:', '', ...notes].join('\n')] : []),
  ].join('\n\n');
}
