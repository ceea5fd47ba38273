import { describe, expect, it } from 'vitest';
import {
  emptySamples,
  extrapolatedRunMs,
  growthReps,
  warmUp,
  type ContestantResults,
  type SuitePlan,
} from '../../../bench/figures.js';
import { eventsOnWire } from '../../../bench/event-mix.js';
import type { LoadClient } from '../../../bench/load-driver.js';
import { latencySamples } from '../../../bench/latency-figure.js';
import { moreFigureTables } from '../../../bench/report-more.js';
import { figureTables } from '../../../bench/report.js';
import { targetsTable } from '../../../bench/report-targets.js';

const plan: SuitePlan = {
  timeoutMs: 1000,
  warmup: { events: 10, runs: 1 },
  single: { events: 10, reps: 1 },
  startup: { events: 10, reps: 1 },
  concurrency: { levels: [1, 100], optional: [], events: 200, reps: 1, budgetMs: 1000 },
  growth: { lengths: [1000], optional: [], reps: 1, budgetMs: 1000, minEvents: 1000 },
  latency: { levels: [1], events: 10, intervalMs: 20, reps: 1 },
  fanout: { subscribers: [1], events: 10, transports: ['sse'] },
  memory: { idleSubscribers: 1, activeRuns: 1, holdAfter: 1 },
  persistence: { events: 10, reps: 1, concurrency: 1, concurrentEvents: 10 },
  history: { earlierRuns: [1], earlierEvents: 1, events: 10, reps: 1 },
};

function contestant(key: string, latencyMs?: number[], batches?: number[][]): ContestantResults {
  const samples = { ...emptySamples(), eventsPerSec: [1000], runStartedMs: [1], runMs: [2] };
  return {
    key,
    label: key,
    validation: 'ok',
    single: samples,
    concurrency: {
      1: samples,
      // Figure 3's stamped batches: one of `latencyMs`, or (`batches`) several.
      100: { ...samples, ...(latencyMs ? { latency: latencySamples(batches ?? [latencyMs], 0) } : {}) },
    },
    growth: {},
    notes: [],
    errors: [],
  };
}

/** The cells of the row named `name`, after its name. */
function cells(markdown: string, name: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${name} `));
  if (!line) throw new Error(`no row "${name}"`);
  return line
    .split('|')
    .slice(2, -1)
    .map((c) => c.trim());
}

describe('figure 3 table', () => {
  it('reports the latency per event of the stamped batch, and a dash where it was not measured', () => {
    // 100 samples: p99 by nearest rank is the 99th, the median the 50th.
    const latencies = Array.from({ length: 100 }, (_, i) => i + 1);
    const tables = figureTables([contestant('bridge', latencies), contestant('other')], plan);
    expect(cells(tables, '100 runs: latency per event, median ms')).toEqual(['50.0', '–']);
    expect(cells(tables, '100 runs: latency per event, p99 ms')).toEqual(['99.0', '–']);
    expect(cells(tables, '100 runs: latency p99 of each batch, ms')).toEqual(['99.0', '–']);
  });

  it("reports the medians of the stamped batches' own median and p99, as figure 2b does", () => {
    const batch = (scale: number) => Array.from({ length: 100 }, (_, i) => (i + 1) * scale);
    const tables = figureTables([contestant('bridge', [], [batch(1), batch(3), batch(2)])], plan);
    expect(cells(tables, '100 runs: latency per event, median ms')).toEqual(['100']);
    expect(cells(tables, '100 runs: latency per event, p99 ms')).toEqual(['198']);
    expect(cells(tables, '100 runs: latency p99 of each batch, ms')).toEqual(['99.0 / 297 / 198']);
  });
});

describe('figure 2b', () => {
  // 100 samples each: p99 by nearest rank is the 99th, the median the 50th.
  const batch = (scale: number) => Array.from({ length: 100 }, (_, i) => (i + 1) * scale);

  it("reports the medians of the batches' own median and p99, and each batch's p99", () => {
    const samples = latencySamples([batch(1), batch(3), batch(2), []], 1);
    expect(samples).toEqual({ count: 300, medianMs: 100, p99Ms: 198, batchP99Ms: [99, 297, 198], failed: 1 });
    const tables = moreFigureTables([{ ...contestant('bridge'), latency: { 1: samples } }], plan);
    expect(cells(tables, '1 runs: p99 ms')).toEqual(['198']);
    expect(cells(tables, '1 runs: p99 of each batch, ms')).toEqual(['99.0 / 297 / 198']);
    expect(cells(tables, '1 runs: samples (failed runs)')).toEqual(['300 (1)']);
  });

  it('takes the higher of two middles, and has no p99 without a sample', () => {
    expect(latencySamples([batch(1), batch(3)], 0)).toMatchObject({ medianMs: 150, p99Ms: 297 });
    expect(latencySamples([[], []], 2).p99Ms).toBeNaN();
  });
});

describe('figure tables of a partial run', () => {
  it('keep a contestant that ran figure 3 alone (`--figures=3`)', () => {
    const { single: _single, ...only3 } = contestant('bridge', [5]);
    const tables = figureTables([only3], plan);
    expect(cells(tables, '100 runs: latency per event, p99 ms')).toEqual(['5.00']);
  });
});

describe('figure 7 estimate of the next run length', () => {
  const at = (eventsPerSec: number) => ({ ...emptySamples(), eventsPerSec: [eventsPerSec] });

  it('keeps the rate of the longest length when it did not fall', () => {
    expect(
      extrapolatedRunMs(
        { events: 1000, samples: at(100_000) },
        { events: 10_000, samples: at(120_000) },
        50_000,
      ),
    ).toBeCloseTo((50_000 / 120_000) * 1000);
    expect(extrapolatedRunMs(undefined, { events: 10_000, samples: at(1000) }, 50_000)).toBeCloseTo(50_000);
  });

  it('goes on falling as it fell: a cost per event that grows with the run', () => {
    // 3300 → 411 events/s from 1000 to 10000 events (CopilotKit's runtime here): about length^-0.9.
    const estimate = extrapolatedRunMs(
      { events: 1000, samples: at(3300) },
      { events: 10_000, samples: at(411) },
      50_000,
    );
    const fall = Math.log(3300 / 411) / Math.log(10);
    expect(estimate).toBeCloseTo((50_000 / (411 * 5 ** -fall)) * 1000, 0);
    // Far past the 90 s a length may take; the rate alone would say 122 s.
    expect(estimate).toBeGreaterThan(500_000);
  });
});

describe("the target 'ahead of CopilotKit's runtime on every figure'", () => {
  it("counts figure 3's latency per event at 100 runs", () => {
    const bridge = { ...contestant('bridge-sqlite', [30]) };
    const ck = { ...contestant('copilotkit', [10]) };
    const row = targetsTable([bridge, ck], plan)
      .split('\n')
      .find((l) => l.includes("ahead of CopilotKit's runtime"));
    expect(row).toContain('behind on fig. 3 100 runs latency p99');
    const ahead = targetsTable([contestant('bridge-sqlite', [5]), ck], plan)
      .split('\n')
      .find((l) => l.includes("ahead of CopilotKit's runtime"));
    expect(ahead).not.toContain('fig. 3 100 runs latency p99');
  });
});

describe('figure 7 runs per length', () => {
  it('runs a short length until it makes the minimum of events, at most 25 times, a long one its reps', () => {
    const growth = { lengths: [1000, 10_000, 50_000], optional: [], reps: 2, budgetMs: 1, minEvents: 20_000 };
    expect(growthReps(growth, 1000)).toBe(20);
    expect(growthReps(growth, 10_000)).toBe(2);
    expect(growthReps(growth, 50_000)).toBe(2);
    expect(growthReps({ ...growth, minEvents: 100_000 }, 1000)).toBe(25);
  });
});

describe("figure 3's target against the Express server", () => {
  const at = (eventsPerSec: number, cpuUsPerEvent?: number) => ({
    ...emptySamples(),
    eventsPerSec: [eventsPerSec],
    ...(cpuUsPerEvent === undefined ? {} : { cpuUsPerEvent: [cpuUsPerEvent] }),
  });
  const withFigure3 = (key: string, eventsPerSec: number, cpuUsPerEvent?: number): ContestantResults => ({
    ...contestant(key),
    concurrency: { 100: at(eventsPerSec, cpuUsPerEvent) },
  });
  const row = (bridge: ContestantResults, express: ContestantResults) =>
    cells(targetsTable([bridge, express], plan), 'bridge (SQLite) within 20% of the Express server at');

  it('is met when both the events/s and the server CPU per event are within 20%', () => {
    expect(row(withFigure3('bridge-sqlite', 90, 11), withFigure3('express', 100, 10))).toEqual([
      '90% of its events/s; server CPU per event 1.10× its own (<= 1.25 needed)',
      'yes',
    ]);
  });

  it('is not met on events/s alone when the CPU per event does not bear it out', () => {
    // Another process slowed the Express server's batches: its events/s fell, not its cost.
    expect(row(withFigure3('bridge-sqlite', 90, 24), withFigure3('express', 100, 10))[1]).toBe('no');
    expect(row(withFigure3('bridge-sqlite', 70, 11), withFigure3('express', 100, 10))[1]).toBe('no');
  });
});

describe('the warm-up to a steady state', () => {
  const steady = { concurrency: 10, events: 200, maxEvents: 5000, maxMs: 1000 };
  /** A load client whose batches report `cpu[i]` µs per event and take `msPerBatch` of `clock`. */
  function fakeClient(cpu: number[], clock: { t: number }, msPerBatch: number, failed = 0): LoadClient {
    let batch = 0;
    return {
      run: async ({ events, concurrency }: { events: number; concurrency: number }) => {
        clock.t += msPerBatch;
        const runs = Array.from({ length: concurrency }, (_, i) => ({
          ok: i >= failed,
          events: i >= failed ? eventsOnWire(events) : 0,
          runStartedMs: 1,
          totalMs: 2,
        }));
        // `measure` reads the process's own CPU time; this client spends some for it to read.
        const until = performance.now() + (cpu[batch++] ?? 0) / 100;
        while (performance.now() < until);
        return { runs, wallMs: msPerBatch } as never;
      },
    } as unknown as LoadClient;
  }

  it('runs batches until the events are done, and keeps the CPU per event of each', async () => {
    const clock = { t: 0 };
    // 10 runs of 206 events on the wire: 2060 events a batch, 5000 events after three.
    const warm = await warmUp(fakeClient([1, 1, 1, 1], clock, 10), 'http://x', steady, 1000, () => clock.t);
    expect(warm).toMatchObject({ batches: 3, events: 3 * 10 * eventsOnWire(200), ms: 30, failed: 0 });
    expect(warm.cpuUsPerEvent).toHaveLength(3);
  });

  it('stops at the time limit, counts only complete runs, and runs one batch at least', async () => {
    const clock = { t: 0 };
    const slow = await warmUp(fakeClient([1, 1], clock, 600, 2), 'http://x', steady, 1000, () => clock.t);
    expect(slow).toMatchObject({ batches: 2, events: 2 * 8 * eventsOnWire(200), ms: 1200, failed: 4 });
    const once = await warmUp(
      fakeClient([1], { t: 0 }, 10),
      'http://x',
      { ...steady, maxEvents: 0, maxMs: 0 },
      1000,
      () => 0,
    );
    expect(once.batches).toBe(1);
  });

  it('reports the first batch and the median of the last five', () => {
    const warmed = {
      ...contestant('bridge'),
      warmup: { batches: 7, events: 1_500_000, ms: 9500, cpuUsPerEvent: [13, 9, 8, 5, 6, 5.5, 7], failed: 0 },
    };
    const tables = figureTables([warmed, contestant('other')], {
      ...plan,
      warmup: { ...plan.warmup, steady: { ...steady, maxEvents: 1_500_000 } },
    });
    expect(cells(tables, 'batches (events, s)')).toEqual(['7 (1500.0k events, 9.5 s)', '–']);
    expect(cells(tables, 'first batch: CPU µs per event')).toEqual(['13.0', '–']);
    expect(cells(tables, 'last 5 batches: CPU µs per event, median')).toEqual(['6.0', '–']);
    // Without a steady warm-up in the plan there is no section.
    expect(figureTables([warmed], plan)).not.toContain('### Warm-up');
  });
});
