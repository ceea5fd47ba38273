import { eventsOnWire } from './event-mix.js';
import type { LoadClient } from './load-driver.js';
import type { RunResult } from './client.js';
import { median } from './stats.js';

/** Sizes of the suite (bounded: every loop below runs a fixed number of times). */
export interface SuitePlan {
  timeoutMs: number;
  warmup: { events: number; runs: number };
  /** Figure 1: events/s through one run to one client. */
  single: { events: number; reps: number };
  /** Figure 2: time to `RUN_STARTED` on the wire, sequential small runs. */
  startup: { events: number; reps: number };
  /** Figure 3: simultaneous runs; `optional` levels only when the estimate fits `budgetMs`. */
  concurrency: { levels: number[]; optional: number[]; events: number; reps: number; budgetMs: number };
  /** Figure 7: events/s by run length; `optional` lengths (1 rep) only when they fit `budgetMs`. */
  growth: { lengths: number[]; optional: number[]; reps: number; budgetMs: number };
}

/** A figure's samples for one setting, or why it was not measured. */
export interface Samples {
  /** Events/s per repetition (aggregate over all runs of a batch). */
  eventsPerSec: number[];
  /** Time to `RUN_STARTED` per run, ms. */
  runStartedMs: number[];
  /** Whole run per run, ms. */
  runMs: number[];
  failed: number;
  skipped?: string;
}

/** Everything measured for one contestant. */
export interface ContestantResults {
  key: string;
  label: string;
  validation: string;
  single?: Samples;
  startup?: Samples;
  concurrency: Record<number, Samples>;
  growth: Record<number, Samples>;
  errors: string[];
}

const emptySamples = (skipped?: string): Samples => ({
  eventsPerSec: [],
  runStartedMs: [],
  runMs: [],
  failed: 0,
  ...(skipped ? { skipped } : {}),
});

/** Runs `reps` batches of `concurrency` runs of `events` events and collects the samples. */
export async function measure(
  client: LoadClient,
  baseUrl: string,
  options: { events: number; concurrency: number; reps: number; timeoutMs: number },
): Promise<Samples> {
  const samples = emptySamples();
  const expected = eventsOnWire(options.events);
  for (let rep = 0; rep < options.reps; rep++) {
    const batch = await client.run({ baseUrl, ...options });
    const good = batch.runs.filter((r: RunResult) => r.ok && r.events === expected);
    samples.failed += batch.runs.length - good.length;
    const bad = batch.runs.find((r) => !r.ok || r.events !== expected);
    if (bad)
      process.stderr.write(`    a run failed: ${bad.error ?? `${bad.events} of ${expected} events`}\n`);
    const events = good.reduce((sum, r) => sum + r.events, 0);
    if (good.length > 0) samples.eventsPerSec.push(events / (batch.wallMs / 1000));
    samples.runStartedMs.push(...good.map((r) => r.runStartedMs));
    samples.runMs.push(...good.map((r) => r.totalMs));
  }
  return samples;
}

/** Measures an optional setting only when the time a known one took, scaled, fits the budget. */
export async function measureIfAffordable(
  estimateMs: number,
  budgetMs: number,
  run: () => Promise<Samples>,
): Promise<Samples> {
  if (Number.isNaN(estimateMs)) return emptySamples('skipped: the setting before it failed');
  if (!(estimateMs <= budgetMs))
    return emptySamples(
      `skipped: estimated ${(estimateMs / 1000).toFixed(0)} s > ${budgetMs / 1000} s budget`,
    );
  return run();
}

/** The median wall time of a batch from its samples (events / rate). */
export function medianBatchMs(samples: Samples, eventsPerBatch: number): number {
  return (eventsPerBatch / median(samples.eventsPerSec)) * 1000;
}
