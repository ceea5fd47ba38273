import { eventsOnWire } from './event-mix.js';
import type { FanoutTransport } from './load-client.js';
import type { LoadClient } from './load-driver.js';
import type { RunResult } from './client.js';
import { median } from './stats.js';

/** Sizes of the suite (bounded: every loop below runs a fixed number of times). */
export interface SuitePlan {
  timeoutMs: number;
  /**
   * Before a contestant's figures: `runs` sequential runs of `events`, then (`steady`) batches of
   * `concurrency` simultaneous runs of `events` until `maxEvents` events or `maxMs` (`warmUp`).
   */
  warmup: { events: number; runs: number; steady?: SteadyWarmUp };
  /** Figure 1: events/s through one run to one client. */
  single: { events: number; reps: number };
  /** Figure 2: time to `RUN_STARTED` on the wire, sequential small runs. */
  startup: { events: number; reps: number };
  /** Figure 3: simultaneous runs; `optional` levels only when the estimate fits `budgetMs`. */
  concurrency: { levels: number[]; optional: number[]; events: number; reps: number; budgetMs: number };
  /** Figure 7: events/s by run length; `optional` lengths (1 rep) only when they fit `budgetMs`. */
  growth: { lengths: number[]; optional: number[]; reps: number; budgetMs: number; minEvents: number };
  /**
   * Figure 2b: added latency per event, runs of `events` paced `intervalMs` apart, at `levels`
   * runs, `reps` batches of each.
   */
  latency: { levels: number[]; events: number; intervalMs: number; reps: number };
  /** Figure 4: one run of `events` events followed by each count of live subscribers, per transport. */
  fanout: { subscribers: number[]; events: number; transports: FanoutTransport[] };
  /** Figure 5: idle SSE subscribers, and runs held open after `holdAfter` events. */
  memory: { idleSubscribers: number; activeRuns: number; holdAfter: number };
  /** Figure 6: events/s with the event log on and off: one run of `events`, and `concurrency` runs. */
  persistence: { events: number; reps: number; concurrency: number; concurrentEvents: number };
  /** Figure 7b: runs of `events` on a thread with each count of earlier runs of `earlierEvents`. */
  history: { earlierRuns: number[]; earlierEvents: number; events: number; reps: number };
}

/**
 * Figure 2b at one level: added latency of every event of every complete run, batch by batch. The
 * median and the p99 are the medians of the batches' own: one batch's p99 is made by its few
 * slowest hundredths, where one stall of the shared machine shows.
 */
export interface LatencySamples {
  count: number;
  medianMs: number;
  p99Ms: number;
  /** Each batch's p99, in the order measured. */
  batchP99Ms?: number[];
  failed: number;
  skipped?: string;
}

/** Figure 4 at one transport and subscriber count. */
export interface FanoutSamples {
  subscribers: number;
  /** Every subscriber received the run's every event, and nothing more. */
  complete: boolean;
  /** Events delivered to all subscribers together per second. */
  eventsPerSec: number;
  medianMs: number;
  p99Ms: number;
  /** What went wrong, when something did. */
  problem?: string;
}

/** Figure 5: bytes of resident memory per idle subscriber and per active run. */
export interface MemorySamples {
  /** `rssBytes`: the second wave's RSS delta per subscriber; `firstWaveRssBytes`: the first's. */
  idleSubscriber?: { count: number; rssBytes: number; firstWaveRssBytes?: number; heapBytes: number };
  activeRun?: { count: number; rssBytes: number; firstWaveRssBytes?: number; heapBytes: number };
  notes: string[];
}

/** Figure 6: events/s and rows written per second. */
export interface PersistenceSamples {
  single: Samples;
  concurrent: Samples;
  /** Rows the event log gained per second while the figure ran (none when it is in memory). */
  rowsPerSec?: number;
  rows?: number;
}

/** A figure's samples for one setting, or why it was not measured. */
export interface Samples {
  /** Events/s per repetition (aggregate over all runs of a batch). */
  eventsPerSec: number[];
  /** Time to `RUN_STARTED` per run, ms. */
  runStartedMs: number[];
  /** Whole run per run, ms. */
  runMs: number[];
  /**
   * Figure 3: added latency per stamped event (emit → client receive) of more batches with emit
   * stamps (as many as figure 2b's), summarised as figure 2b's; not measured in the batches
   * counted for events/s (the client reads stamps).
   */
  latency?: LatencySamples;
  /**
   * Server CPU per event, µs, per repetition: this process's CPU time (user + system, every
   * thread) over the batch, divided by its events. The servers under test run in this process and
   * the load client in its own, so this is the server's cost, steadier than events/s on a shared
   * machine; a database server of its own (PostgreSQL, Redis) is not counted.
   */
  cpuUsPerEvent?: number[];
  failed: number;
  skipped?: string;
}

/** The warm-up to a steady state: batches of figure 3's shape, bounded in events and time. */
export interface SteadyWarmUp {
  concurrency: number;
  events: number;
  maxEvents: number;
  maxMs: number;
}

/** What the warm-up to a steady state did: the server CPU per event of each batch, in order. */
export interface WarmUpSamples {
  batches: number;
  events: number;
  ms: number;
  cpuUsPerEvent: number[];
  failed: number;
}

/** Everything measured for one contestant. */
export interface ContestantResults {
  key: string;
  label: string;
  validation: string;
  warmup?: WarmUpSamples;
  single?: Samples;
  startup?: Samples;
  concurrency: Record<number, Samples>;
  growth: Record<number, Samples>;
  latency?: Record<number, LatencySamples>;
  /** Keyed `sse:100`, `ws:1000`. */
  fanout?: Record<string, FanoutSamples>;
  memory?: MemorySamples;
  persistence?: PersistenceSamples;
  /** Figure 7b, by earlier runs on the thread. */
  history?: Record<number, Samples>;
  /** Figures it did not run, and why. */
  notes: string[];
  /** Why the contestant did not run at all (e.g. not installed). */
  skipped?: string;
  errors: string[];
}

export const emptySamples = (skipped?: string): Samples => ({
  eventsPerSec: [],
  runStartedMs: [],
  runMs: [],
  failed: 0,
  ...(skipped ? { skipped } : {}),
});

/** The runs of a batch that ended with `RUN_FINISHED` and every event of a run of `events`. */
export function completeRuns(runs: readonly RunResult[], events: number): RunResult[] {
  const expected = eventsOnWire(events);
  return runs.filter((r) => r.ok && r.events === expected);
}

/** Runs `reps` batches of `concurrency` runs of `events` events and collects the samples. */
export async function measure(
  client: LoadClient,
  baseUrl: string,
  options: { events: number; concurrency: number; reps: number; timeoutMs: number; threadId?: string },
): Promise<Samples> {
  const samples = emptySamples();
  const expected = eventsOnWire(options.events);
  for (let rep = 0; rep < options.reps; rep++) {
    const cpu = process.cpuUsage();
    const batch = await client.run({ baseUrl, ...options });
    const { user, system } = process.cpuUsage(cpu);
    const good = completeRuns(batch.runs, options.events);
    samples.failed += batch.runs.length - good.length;
    const bad = batch.runs.find((r) => !r.ok || r.events !== expected);
    if (bad)
      process.stderr.write(`    a run failed: ${bad.error ?? `${bad.events} of ${expected} events`}\n`);
    const events = good.reduce((sum, r) => sum + r.events, 0);
    if (good.length > 0) {
      samples.eventsPerSec.push(events / (batch.wallMs / 1000));
      (samples.cpuUsPerEvent ??= []).push((user + system) / events);
    }
    samples.runStartedMs.push(...good.map((r) => r.runStartedMs));
    samples.runMs.push(...good.map((r) => r.totalMs));
  }
  return samples;
}

/**
 * Warms a server to a steady state before it is measured: batches of `concurrency` runs of
 * `events` until `maxEvents` events or `maxMs` have gone by (at least one batch). A server's cost
 * per event falls for thousands of runs while V8 compiles its code (here the bridge's fell from 13
 * to 5 µs per event over 7000 runs, most of the difference V8's compiler threads; the Express
 * server's from 6 to 3 µs): a figure measured before that measures the compiler. Every contestant
 * gets the same batches; the CPU per event of each is kept, to show where it settled.
 */
export async function warmUp(
  client: LoadClient,
  baseUrl: string,
  steady: SteadyWarmUp,
  timeoutMs: number,
  now: () => number = performance.now.bind(performance),
): Promise<WarmUpSamples> {
  const out: WarmUpSamples = { batches: 0, events: 0, ms: 0, cpuUsPerEvent: [], failed: 0 };
  const started = now();
  do {
    const batch = await measure(client, baseUrl, {
      events: steady.events,
      concurrency: steady.concurrency,
      reps: 1,
      timeoutMs,
    });
    out.batches++;
    out.failed += batch.failed;
    out.events += (steady.concurrency - batch.failed) * eventsOnWire(steady.events);
    out.cpuUsPerEvent.push(...(batch.cpuUsPerEvent ?? []));
    out.ms = now() - started;
  } while (out.events < steady.maxEvents && out.ms < steady.maxMs);
  return out;
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

/**
 * Figure 7's runs of one length: at least `reps`, and more of a short length until they make
 * `minEvents` events in all (at most 25): one run of 1000 events takes a few milliseconds, where a
 * collection or another process's time slice decides the result of one run.
 */
export function growthReps(growth: SuitePlan['growth'], events: number): number {
  return Math.max(growth.reps, Math.min(MAX_GROWTH_REPS, Math.ceil(growth.minEvents / events)));
}

const MAX_GROWTH_REPS = 25;

/**
 * The time one run of `events` events should take, from the two longest lengths measured so far:
 * when events/s fell from the shorter to the longer, it is assumed to go on falling at the same
 * power of the length (a contestant whose cost per event grows with the run, such as one that
 * walks its whole run per event, is not given a length it cannot finish in the timeout). Without a
 * shorter length, or when the rate did not fall, the rate of the longer is kept.
 */
export function extrapolatedRunMs(
  shorter: { events: number; samples: Samples } | undefined,
  longer: { events: number; samples: Samples },
  events: number,
): number {
  const rate = median(longer.samples.eventsPerSec);
  const before = shorter && !shorter.samples.skipped ? median(shorter.samples.eventsPerSec) : Number.NaN;
  // events/s ~ length^-fall between the two lengths (0 when it did not fall).
  const fall =
    before > rate && longer.events > (shorter?.events ?? 0)
      ? Math.log(before / rate) / Math.log(longer.events / shorter!.events)
      : 0;
  const expected = rate * (events / longer.events) ** -fall;
  return (events / expected) * 1000;
}
