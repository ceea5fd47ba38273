import {
  measure,
  measureIfAffordable,
  medianBatchMs,
  type ContestantResults,
  type Samples,
  type SuitePlan,
} from './figures.js';
import type { LoadClient } from './load-driver.js';
import type { Contestant, ServerUnderTest } from './servers/server-under-test.js';
import { validateServer } from './validate-stream.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Figure 3: fixed levels, then the optional ones the largest measured level says are affordable. */
async function measureConcurrency(
  client: LoadClient,
  url: string,
  plan: SuitePlan,
): Promise<Record<number, Samples>> {
  const { levels, optional, events, reps, budgetMs } = plan.concurrency;
  const out: Record<number, Samples> = {};
  let largest = 0;
  for (const concurrency of levels) {
    log(`  figure 3: ${concurrency} simultaneous runs of ${events} events`);
    out[concurrency] = await measure(client, url, { events, concurrency, reps, timeoutMs: plan.timeoutMs });
    largest = concurrency;
  }
  for (const concurrency of optional) {
    const known = out[largest];
    const estimate = known ? medianBatchMs(known, concurrency * events) * reps : Number.POSITIVE_INFINITY;
    log(`  figure 3: ${concurrency} simultaneous runs (estimated ${(estimate / 1000).toFixed(1)} s)`);
    out[concurrency] = await measureIfAffordable(estimate, budgetMs, () =>
      measure(client, url, { events, concurrency, reps, timeoutMs: plan.timeoutMs }),
    );
  }
  return out;
}

/** Figure 7: events/s by run length; optional lengths once, if the longest measured says they fit. */
async function measureGrowth(
  client: LoadClient,
  url: string,
  plan: SuitePlan,
): Promise<Record<number, Samples>> {
  const { lengths, optional, reps, budgetMs } = plan.growth;
  const out: Record<number, Samples> = {};
  let longest = 0;
  for (const events of lengths) {
    log(`  figure 7: one run of ${events} events`);
    out[events] = await measure(client, url, { events, concurrency: 1, reps, timeoutMs: plan.timeoutMs });
    longest = events;
  }
  for (const events of optional) {
    const known = out[longest];
    const estimate = known ? medianBatchMs(known, events) : Number.POSITIVE_INFINITY;
    log(`  figure 7: one run of ${events} events (estimated ${(estimate / 1000).toFixed(1)} s)`);
    out[events] = await measureIfAffordable(estimate, budgetMs, () =>
      measure(client, url, { events, concurrency: 1, reps: 1, timeoutMs: plan.timeoutMs }),
    );
  }
  return out;
}

/** Starts a contestant, checks its stream, measures every figure, stops it. Failures are recorded. */
export async function measureContestant(
  contestant: Contestant,
  client: LoadClient,
  plan: SuitePlan,
): Promise<ContestantResults> {
  const results: ContestantResults = {
    key: contestant.key,
    label: contestant.label,
    validation: 'not run',
    concurrency: {},
    growth: {},
    errors: [],
  };
  log(`${contestant.label}: starting`);
  let server: ServerUnderTest;
  try {
    server = await contestant.start();
  } catch (error) {
    results.errors.push(`could not start: ${String(error)}`);
    return results;
  }
  const { url } = server;
  const timeoutMs = plan.timeoutMs;
  try {
    results.validation = await validateServer(url);
    log(`  ${results.validation}`);
    await measure(client, url, { ...plan.warmup, reps: plan.warmup.runs, concurrency: 1, timeoutMs });
    log(`  figure 1: one run of ${plan.single.events} events, ${plan.single.reps} times`);
    results.single = await measure(client, url, { ...plan.single, concurrency: 1, timeoutMs });
    log(`  figure 2: ${plan.startup.reps} runs of ${plan.startup.events} events, one after the other`);
    results.startup = await measure(client, url, { ...plan.startup, concurrency: 1, timeoutMs });
    results.concurrency = await measureConcurrency(client, url, plan);
    results.growth = await measureGrowth(client, url, plan);
  } catch (error) {
    results.errors.push(String(error));
    log(`  failed: ${String(error)}`);
  } finally {
    results.errors.push(...(server.problems?.() ?? []).map((p) => `server log: ${p}`));
    await server.close().catch((error: unknown) => results.errors.push(`close: ${String(error)}`));
  }
  return results;
}
