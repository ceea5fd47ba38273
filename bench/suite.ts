import {
  extrapolatedRunMs,
  growthReps,
  measure,
  measureIfAffordable,
  medianBatchMs,
  type ContestantResults,
  type Samples,
  type SuitePlan,
  warmUp,
} from './figures.js';
import { fanoutTransports, measureFanout } from './fanout-figure.js';
import { measureHistory } from './history-figure.js';
import type { LatencyProbe } from './latency.js';
import { measureLatency, stampedBatches } from './latency-figure.js';
import type { LoadClient } from './load-driver.js';
import { measureMemoryApart } from './memory-apart.js';
import { measurePersistence } from './persistence-figure.js';
import {
  FIGURES,
  type Contestant,
  type FigureKey,
  type ServerUnderTest,
} from './servers/server-under-test.js';
import { validateOnce } from './validate-stream.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Figure 3: fixed levels, then the optional ones the largest measured level says are affordable. */
async function measureConcurrency(
  client: LoadClient,
  url: string,
  plan: SuitePlan,
  probe: LatencyProbe,
): Promise<Record<number, Samples>> {
  const { levels, optional, events, reps, budgetMs } = plan.concurrency;
  const out: Record<number, Samples> = {};
  let largest = 0;
  for (const concurrency of levels) {
    const known = out[largest];
    // One batch must fit half the timeout, judging by the level before (none after a failed one).
    const estimate = known ? medianBatchMs(known, concurrency * events) : 0;
    log(`  figure 3: ${concurrency} simultaneous runs of ${events} events`);
    out[concurrency] = await measureIfAffordable(estimate, plan.timeoutMs / 2, () =>
      measure(client, url, { events, concurrency, reps, timeoutMs: plan.timeoutMs }),
    );
    await addLatency(client, url, plan, probe, out[concurrency]!, concurrency);
    largest = concurrency;
  }
  for (const concurrency of optional) {
    const known = out[largest];
    // Its batches and the stamped ones for the latency per event.
    const batches = reps + plan.latency.reps;
    const estimate = known ? medianBatchMs(known, concurrency * events) * batches : Number.POSITIVE_INFINITY;
    log(`  figure 3: ${concurrency} simultaneous runs (estimated ${(estimate / 1000).toFixed(1)} s)`);
    out[concurrency] = await measureIfAffordable(estimate, budgetMs, () =>
      measure(client, url, { events, concurrency, reps, timeoutMs: plan.timeoutMs }),
    );
    await addLatency(client, url, plan, probe, out[concurrency]!, concurrency);
  }
  return out;
}

/**
 * Figure 3's latency per event: more batches of the level with emit stamps (a burst: the latency
 * is mostly the time an event waits behind the others), as many as figure 2b's and summarised as
 * its (the medians of the batches' own median and p99: one batch's p99 is where one stall of the
 * shared machine shows). Skipped with the level.
 */
async function addLatency(
  client: LoadClient,
  url: string,
  plan: SuitePlan,
  probe: LatencyProbe,
  samples: Samples,
  concurrency: number,
): Promise<void> {
  if (samples.skipped || samples.eventsPerSec.length === 0) return;
  const { events } = plan.concurrency;
  const run = { events, concurrency, timeoutMs: plan.timeoutMs };
  samples.latency = await stampedBatches(client, url, probe, run, plan.latency.reps);
}

/**
 * Figure 7: events/s by run length; each length only when the one before, scaled, fits half the
 * timeout (none after a failed one); optional lengths once, if the longest says they fit the budget.
 */
async function measureGrowth(
  client: LoadClient,
  url: string,
  plan: SuitePlan,
): Promise<Record<number, Samples>> {
  const { lengths, optional, budgetMs } = plan.growth;
  const out: Record<number, Samples> = {};
  const measured: number[] = [];
  // From the two longest lengths measured (none after a failed one): see extrapolatedRunMs.
  const estimateMs = (events: number, fallback: number): number => {
    const known = measured.slice(-2).map((length) => ({ events: length, samples: out[length]! }));
    const last = known.at(-1);
    if (!last) return fallback;
    if (last.samples.skipped || last.samples.eventsPerSec.length === 0) return Number.NaN;
    return extrapolatedRunMs(known.length === 2 ? known[0] : undefined, last, events);
  };
  for (const events of lengths) {
    const runs = growthReps(plan.growth, events);
    // A contestant far slower than the rest must not spend the whole timeout on every longer length.
    const estimate = estimateMs(events, 0) * runs;
    log(`  figure 7: one run of ${events} events, ${runs} times`);
    out[events] = await measureIfAffordable(estimate, plan.timeoutMs / 2, () =>
      measure(client, url, { events, concurrency: 1, reps: runs, timeoutMs: plan.timeoutMs }),
    );
    measured.push(events);
  }
  for (const events of optional) {
    const estimate = estimateMs(events, Number.POSITIVE_INFINITY);
    log(`  figure 7: one run of ${events} events (estimated ${(estimate / 1000).toFixed(1)} s)`);
    out[events] = await measureIfAffordable(estimate, budgetMs, () =>
      measure(client, url, { events, concurrency: 1, reps: 1, timeoutMs: plan.timeoutMs }),
    );
  }
  return out;
}

/** The figures measured on a server started in the bench process: all but figure 5. */
const IN_PROCESS = FIGURES.filter((figure) => figure !== '5');

type Wants = (figure: FigureKey) => boolean;

/**
 * Measures a contestant's figures (those it runs, of `figures`; all by default): figure 5 on its
 * server in a process of its own, the others on its server in this process. Failures are recorded.
 */
export async function measureContestant(
  contestant: Contestant,
  client: LoadClient,
  plan: SuitePlan,
  figures?: FigureKey[],
): Promise<ContestantResults> {
  const results: ContestantResults = {
    key: contestant.key,
    label: contestant.label,
    validation: 'not run',
    concurrency: {},
    growth: {},
    notes: [],
    errors: [],
  };
  const wants: Wants = (figure) =>
    (!contestant.figures || contestant.figures.includes(figure)) && (!figures || figures.includes(figure));
  if (wants('5')) await measureMemoryApart(contestant, client, plan, results, log);
  if (IN_PROCESS.some(wants)) await measureInProcess(contestant, client, plan, wants, results);
  return results;
}

/** Starts a contestant in this process, checks its stream, measures its figures, stops it. */
async function measureInProcess(
  contestant: Contestant,
  client: LoadClient,
  plan: SuitePlan,
  wants: Wants,
  results: ContestantResults,
): Promise<void> {
  log(`${contestant.label}: starting`);
  let server: ServerUnderTest;
  try {
    server = await contestant.start();
  } catch (error) {
    results.errors.push(`could not start: ${String(error)}`);
    return;
  }
  const { url } = server;
  const timeoutMs = plan.timeoutMs;
  try {
    await validateOnce(url, results, log);
    await measure(client, url, { ...plan.warmup, reps: plan.warmup.runs, concurrency: 1, timeoutMs });
    const { steady } = plan.warmup;
    if (steady) {
      log(
        `  warm-up: batches of ${steady.concurrency} runs of ${steady.events} events, ` +
          `${steady.maxEvents} events or ${steady.maxMs / 1000} s`,
      );
      results.warmup = await warmUp(client, url, steady, timeoutMs);
      server.afterWarmUp?.();
    }
    if (wants('1')) {
      log(`  figure 1: one run of ${plan.single.events} events, ${plan.single.reps} times`);
      results.single = await measure(client, url, { ...plan.single, concurrency: 1, timeoutMs });
    }
    if (wants('2')) {
      log(`  figure 2: ${plan.startup.reps} runs of ${plan.startup.events} events, one after the other`);
      results.startup = await measure(client, url, { ...plan.startup, concurrency: 1, timeoutMs });
    }
    const probe = await client.probeClock();
    await measureMore(server, client, plan, wants, results, probe);
    if (wants('3')) results.concurrency = await measureConcurrency(client, url, plan, probe);
    if (wants('7')) results.growth = await measureGrowth(client, url, plan);
  } catch (error) {
    results.errors.push(String(error));
    log(`  failed: ${String(error)}`);
  } finally {
    results.errors.push(...(server.problems?.() ?? []).map((p) => `server log: ${p}`));
    await server.close().catch((error: unknown) => results.errors.push(`close: ${String(error)}`));
  }
}

/** Figures 2b, 4, 6 and 7b, each where it applies; a failed one is recorded, the others still run. */
async function measureMore(
  server: ServerUnderTest,
  client: LoadClient,
  plan: SuitePlan,
  wants: Wants,
  results: ContestantResults,
  probe: LatencyProbe,
): Promise<void> {
  const live = server.features?.live === true;
  const attempt = async (figure: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      results.errors.push(`figure ${figure}: ${String(error)}`);
      log(`  figure ${figure} failed: ${String(error)}`);
    }
  };
  if (wants('2b'))
    await attempt('2b', async () => {
      results.latency = await measureLatency(client, server.url, plan, probe, log);
    });
  if (wants('4') && fanoutTransports(server, plan).length > 0)
    await attempt('4', async () => {
      results.fanout = await measureFanout(client, server, plan, probe, log);
    });
  else if (wants('4'))
    results.notes.push('figure 4: no route to follow a thread (`GET /threads/:id/events`, `/ws`, `connect`)');
  if (wants('6') && live)
    await attempt('6', async () => {
      results.persistence = await measurePersistence(client, server, plan, log);
    });
  if (wants('7b'))
    await attempt('7b', async () => {
      results.history = await measureHistory(client, server.url, plan, log);
    });
}
