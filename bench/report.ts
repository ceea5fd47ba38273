import { growthReps, type ContestantResults, type SuitePlan } from './figures.js';
import {
  markdownTable,
  medianCpuOf,
  medianMs,
  medianRate,
  medianRateOf,
  ms,
  p99Ms,
  percentOf,
  rate,
} from './format.js';
import type { MachineInfo } from './machine.js';
import { median } from './stats.js';

const startedOf = (s: { runStartedMs: number[] }): number[] => s.runStartedMs;
const runOf = (s: { runMs: number[] }): number[] => s.runMs;
/** Figure 3's latency per event at `level` runs, when measured. */
const latencyOf = (r: ContestantResults, level: number) => {
  const samples = r.concurrency[level];
  return samples?.latency && samples.latency.count > 0 ? samples.latency : undefined;
};
/** The median server CPU per event of a setting's repetitions, in µs (`–` when not measured). */
const medianCpu = (s: Parameters<typeof medianCpuOf>[0]): string => {
  const cpu = medianCpuOf(s);
  return Number.isNaN(cpu) ? '–' : cpu.toFixed(1);
};

/** `20 runs of 1000 events, 2 of 10000, 2 of 50000`: figure 7's runs per length. */
export function growthRuns(growth: SuitePlan['growth']): string {
  return growth.lengths
    .map((l, i) => `${growthReps(growth, l)} ${i === 0 ? 'runs ' : ''}of ${l}${i === 0 ? ' events' : ''}`)
    .join(', ');
}

/** `; 200000 once, when affordable`, or nothing when there are no optional settings. */
export function onceWhenAffordable(optional: number[]): string {
  return optional.length > 0 ? `; ${optional.join(', ')} once, when affordable` : '';
}

/** The figures as Markdown tables, contestants side by side (one column each). */
export function figureTables(all: ContestantResults[], plan: SuitePlan): string {
  // Contestants that ran any of figures 1-3 and 7 (the in-memory log runs figure 6 only; skipped ones none).
  const results = all.filter(
    (r) =>
      !r.skipped &&
      (r.single ||
        r.startup ||
        Object.keys(r.concurrency).length > 0 ||
        Object.keys(r.growth).length > 0 ||
        r.errors.length > 0),
  );
  const header = ['', ...results.map((r) => r.label)];
  const row = (name: string, cell: (r: ContestantResults) => string): string[] => [
    name,
    ...results.map(cell),
  ];
  const { concurrency, growth } = plan;
  const levels = [...concurrency.levels, ...concurrency.optional];
  const lengths = [...growth.lengths, ...growth.optional];
  const floor = results.find((r) => r.key === 'floor');
  return [
    ...warmUpSection(results, plan, header),
    `### Figure 1: events/s through one run to one client (${plan.single.events} events, ${plan.single.reps} runs)`,
    '',
    markdownTable(header, [
      row('events/s, median', (r) => medianRate(r.single)),
      row('run time, median ms', (r) => medianMs(r.single, runOf)),
      row('run time, p99 ms', (r) => p99Ms(r.single, runOf)),
      row('server CPU µs per event, median', (r) => medianCpu(r.single)),
      row('share of the floor', (r) => percentOf(medianRateOf(r.single), medianRateOf(floor?.single))),
    ]),
    '',
    `### Figure 2: time from request to \`RUN_STARTED\` on the wire (${plan.startup.reps} sequential runs of ${plan.startup.events} events)`,
    '',
    markdownTable(header, [
      row('median ms', (r) => medianMs(r.startup, startedOf)),
      row('p99 ms', (r) => p99Ms(r.startup, startedOf)),
      row('whole run, median ms', (r) => medianMs(r.startup, runOf)),
    ]),
    '',
    `### Figure 3: simultaneous runs (${concurrency.events} events each, ${concurrency.reps} repetitions)`,
    '',
    'Events/s counts every event of every run of a batch over the batch wall time. Server CPU per event: the CPU ' +
      "time of the bench process (the servers' process; the load client has its own) over a batch, divided by its " +
      'events; a database server of its own (PostgreSQL, Redis) is not counted. Latency per event: ' +
      `${plan.latency.reps} more batches per level with emit stamps (agent emit → client receive of every stamped ` +
      "event; a burst, so mostly the time an event waits behind the others); as in figure 2b, the medians of the batches' " +
      "own median and p99, and each batch's p99.",
    '',
    markdownTable(header, [
      ...levels.map((level) =>
        row(`${level} runs: events/s, median`, (r) => medianRate(r.concurrency[level])),
      ),
      ...levels.map((level) =>
        row(`${level} runs: server CPU µs per event, median`, (r) => medianCpu(r.concurrency[level])),
      ),
      ...levels.map((level) =>
        row(`${level} runs: RUN_STARTED p99 ms`, (r) => p99Ms(r.concurrency[level], startedOf)),
      ),
      ...levels.map((level) =>
        row(`${level} runs: run time p99 ms`, (r) => p99Ms(r.concurrency[level], runOf)),
      ),
      ...levels.map((level) =>
        row(`${level} runs: latency per event, median ms`, (r) =>
          ms(latencyOf(r, level)?.medianMs ?? Number.NaN),
        ),
      ),
      ...levels.map((level) =>
        row(`${level} runs: latency per event, p99 ms`, (r) => ms(latencyOf(r, level)?.p99Ms ?? Number.NaN)),
      ),
      ...levels.map((level) =>
        row(
          `${level} runs: latency p99 of each batch, ms`,
          (r) => (latencyOf(r, level)?.batchP99Ms ?? []).map(ms).join(' / ') || '–',
        ),
      ),
    ]),
    '',
    `### Figure 7: growth: events/s by run length (${growthRuns(growth)}${onceWhenAffordable(growth.optional)})`,
    '',
    markdownTable(header, [
      ...lengths.map((length) =>
        row(`${length} events: events/s, median`, (r) => medianRate(r.growth[length])),
      ),
      ...lengths.map((length) =>
        row(`${length} events: share of the floor`, (r) =>
          percentOf(medianRateOf(r.growth[length]), medianRateOf(floor?.growth[length])),
        ),
      ),
    ]),
  ].join('\n');
}

/** The console summary: one line per contestant. */
export function consoleTable(all: ContestantResults[], plan: SuitePlan): string {
  const results = all.filter((r) => !r.skipped);
  // A contestant that runs some figures only (the in-memory log) has dashes, not failures, elsewhere.
  const rateOf = (r: ContestantResults, s: Parameters<typeof medianRate>[0]): string =>
    s || r.startup ? medianRate(s) : '–';
  const lengths = [...plan.growth.lengths, ...plan.growth.optional];
  const levels = [...plan.concurrency.levels, ...plan.concurrency.optional];
  const header = [
    'server',
    'fig1 ev/s',
    'fig2 RUN_STARTED med/p99 ms',
    ...levels.map((l) => `fig3 ${l}x ev/s`),
    ...lengths.map((l) => `fig7 ${l / 1000}k ev/s`),
    `fig2b p99 ms at ${plan.latency.levels.at(-1)}`,
    `fig4 sse/ws x${plan.fanout.subscribers.at(-1)} ev/s`,
    'fig5 KB idle sub / run',
    'fig6 ev/s, rows/s',
  ];
  const rows = results.map((r) => [
    r.label,
    rateOf(r, r.single),
    r.startup
      ? `${ms(median(r.startup.runStartedMs))} / ${p99Ms(r.startup, startedOf)}`
      : r.errors[0]
        ? `failed: ${r.errors[0].split('\n')[0] ?? ''}`
        : '–',
    ...levels.map((l) => rateOf(r, r.concurrency[l])),
    ...lengths.map((l) => rateOf(r, r.growth[l])),
    ms(r.latency?.[plan.latency.levels.at(-1) ?? 0]?.p99Ms ?? Number.NaN),
    ['sse', 'ws']
      .map((t) => r.fanout?.[`${t}:${plan.fanout.subscribers.at(-1)}`])
      .map((f) => (f ? `${rate(f.eventsPerSec)}${f.complete ? '' : '!'}` : '–'))
      .join(' / '),
    [r.memory?.idleSubscriber, r.memory?.activeRun]
      .map((m) => (m ? (m.rssBytes / 1024).toFixed(0) : '–'))
      .join(' / '),
    r.persistence
      ? `${medianRate(r.persistence.single)}, ${r.persistence.rowsPerSec === undefined ? 'memory' : rate(r.persistence.rowsPerSec)}`
      : '–',
  ]);
  return markdownTable(header, rows);
}

/** Batches whose CPU per event the warm-up table's last row takes the median of. */
const WARM_UP_TAIL = 5;

/** The warm-up to a steady state: what it ran, and the CPU per event it started and ended at. */
function warmUpSection(results: ContestantResults[], plan: SuitePlan, header: string[]): string[] {
  const { steady } = plan.warmup;
  if (!steady || !results.some((r) => r.warmup)) return [];
  const cell = (r: ContestantResults, value: (w: NonNullable<ContestantResults['warmup']>) => string) =>
    r.warmup ? value(r.warmup) : '–';
  const cpu = (values: number[]): string => (values.length > 0 ? median(values).toFixed(1) : '–');
  return [
    `### Warm-up: batches of ${steady.concurrency} simultaneous runs of ${steady.events} events until ` +
      `${steady.maxEvents} events or ${steady.maxMs / 1000} s, before every figure but 5 (processes of its own)`,
    '',
    'A server costs more per event while V8 is still compiling its code: the first batch and the last ones ' +
      'show where each contestant started and settled (server CPU per event, as in figure 3).',
    '',
    markdownTable(header, [
      [
        'batches (events, s)',
        ...results.map((r) =>
          cell(r, (w) => `${w.batches} (${rate(w.events)} events, ${(w.ms / 1000).toFixed(1)} s)`),
        ),
      ],
      [
        'first batch: CPU µs per event',
        ...results.map((r) => cell(r, (w) => cpu(w.cpuUsPerEvent.slice(0, 1)))),
      ],
      [
        `last ${WARM_UP_TAIL} batches: CPU µs per event, median`,
        ...results.map((r) => cell(r, (w) => cpu(w.cpuUsPerEvent.slice(-WARM_UP_TAIL)))),
      ],
    ]),
    '',
  ];
}

/** Lines describing the machine. */
export function machineLines(machine: MachineInfo): string[] {
  return [
    `- CPU: ${machine.cpuModel}, ${machine.cpus} logical cores; ${machine.memoryGb} GB memory`,
    `- Node ${machine.node} on ${machine.os}`,
    `- load average (1 min) at start ${machine.loadStart}, at end ${machine.loadEnd}: a shared machine, ` +
      'other engineers were running test suites at the same time, so absolute numbers are noisy; ' +
      'compare columns of the same run, not runs of different days',
  ];
}
