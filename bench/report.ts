import type { ContestantResults, SuitePlan } from './figures.js';
import { markdownTable, medianMs, medianRate, ms, p99Ms, percentOf } from './format.js';
import type { MachineInfo } from './machine.js';
import { median } from './stats.js';

const startedOf = (s: { runStartedMs: number[] }): number[] => s.runStartedMs;
const runOf = (s: { runMs: number[] }): number[] => s.runMs;
const medianOf = (s: { eventsPerSec: number[]; skipped?: string } | undefined): number =>
  s && !s.skipped ? median(s.eventsPerSec) : Number.NaN;

/** `; 200000 once, when affordable`, or nothing when there are no optional settings. */
export function onceWhenAffordable(optional: number[]): string {
  return optional.length > 0 ? `; ${optional.join(', ')} once, when affordable` : '';
}

/** The figures as Markdown tables, contestants side by side (one column each). */
export function figureTables(results: ContestantResults[], plan: SuitePlan): string {
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
    `### Figure 1: events/s through one run to one client (${plan.single.events} events, ${plan.single.reps} runs)`,
    '',
    markdownTable(header, [
      row('events/s, median', (r) => medianRate(r.single)),
      row('run time, median ms', (r) => medianMs(r.single, runOf)),
      row('run time, p99 ms', (r) => p99Ms(r.single, runOf)),
      row('share of the floor', (r) => percentOf(medianOf(r.single), medianOf(floor?.single))),
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
    'Events/s counts every event of every run of a batch over the batch wall time.',
    '',
    markdownTable(header, [
      ...levels.map((level) =>
        row(`${level} runs: events/s, median`, (r) => medianRate(r.concurrency[level])),
      ),
      ...levels.map((level) =>
        row(`${level} runs: RUN_STARTED p99 ms`, (r) => p99Ms(r.concurrency[level], startedOf)),
      ),
      ...levels.map((level) =>
        row(`${level} runs: run time p99 ms`, (r) => p99Ms(r.concurrency[level], runOf)),
      ),
    ]),
    '',
    `### Figure 7: growth: events/s by run length (${growth.reps} runs each${onceWhenAffordable(growth.optional)})`,
    '',
    markdownTable(header, [
      ...lengths.map((length) =>
        row(`${length} events: events/s, median`, (r) => medianRate(r.growth[length])),
      ),
      ...lengths.map((length) =>
        row(`${length} events: share of the floor`, (r) =>
          percentOf(medianOf(r.growth[length]), medianOf(floor?.growth[length])),
        ),
      ),
    ]),
  ].join('\n');
}

/** Where the bridge on SQLite stands against the targets of issue 6 that these figures cover. */
export function targetLines(results: ContestantResults[], plan: SuitePlan): string[] {
  const floor = results.find((r) => r.key === 'floor');
  const express = results.find((r) => r.key === 'express');
  const bridge = results.find((r) => r.key === 'bridge-sqlite');
  if (!floor || !express || !bridge) return ['- not all contestants ran: targets not evaluated'];
  const lengths = [...plan.growth.lengths, ...plan.growth.optional].filter((l) => !bridge.growth[l]?.skipped);
  const shares = lengths.map(
    (l) => `${l}: ${percentOf(medianOf(bridge.growth[l]), medianOf(floor.growth[l]))}`,
  );
  const at100 = percentOf(medianOf(bridge.concurrency[100]), medianOf(express.concurrency[100]));
  return [
    `- bridge (SQLite) events/s as a share of the floor's, one stream, by run length (target >= 50% at every length): ${shares.join(', ')}`,
    `- bridge (SQLite) events/s at 100 simultaneous runs as a share of the hand-written server's (target >= 80%): ${at100}`,
    `- bridge (SQLite) p99 time to RUN_STARTED at 100 simultaneous runs: ${p99Ms(bridge.concurrency[100], startedOf)} ms (the target of 2 ms is for added latency per event, not measured yet)`,
  ];
}

/** The console summary: one line per contestant. */
export function consoleTable(results: ContestantResults[], plan: SuitePlan): string {
  const lengths = [...plan.growth.lengths, ...plan.growth.optional];
  const levels = [...plan.concurrency.levels, ...plan.concurrency.optional];
  const header = [
    'server',
    'fig1 ev/s',
    'fig2 RUN_STARTED med/p99 ms',
    ...levels.map((l) => `fig3 ${l}x ev/s`),
    ...lengths.map((l) => `fig7 ${l / 1000}k ev/s`),
  ];
  const rows = results.map((r) => [
    r.label,
    medianRate(r.single),
    r.startup
      ? `${ms(median(r.startup.runStartedMs))} / ${p99Ms(r.startup, startedOf)}`
      : `failed: ${r.errors[0] ?? ''}`,
    ...levels.map((l) => medianRate(r.concurrency[l])),
    ...lengths.map((l) => medianRate(r.growth[l])),
  ]);
  return markdownTable(header, rows);
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
