import { completeRuns, type LatencySamples, type SuitePlan } from './figures.js';
import type { LatencyProbe } from './latency.js';
import type { LoadClient } from './load-driver.js';
import { median, p99 } from './stats.js';

/**
 * Figure 2b: added latency per event (emit → client receive) of paced runs, at each level of
 * simultaneous runs, `reps` batches of each. Every event of every complete run is a sample; the
 * median and the p99 reported are the medians of the batches' own (`LatencySamples`).
 */
export async function measureLatency(
  client: LoadClient,
  url: string,
  plan: SuitePlan,
  probe: LatencyProbe,
  log: (line: string) => void,
): Promise<Record<number, LatencySamples>> {
  const { levels, events, intervalMs, reps } = plan.latency;
  const out: Record<number, LatencySamples> = {};
  for (const concurrency of levels) {
    log(`  figure 2b: ${concurrency} runs of ${events} events, one every ${intervalMs} ms, ${reps} times`);
    out[concurrency] = await stampedBatches(
      client,
      url,
      probe,
      { events, intervalMs, concurrency, timeoutMs: plan.timeoutMs },
      reps,
    );
  }
  return out;
}

/** `reps` stamped batches of `run`, summarised by `latencySamples` (figures 2b and 3). */
export async function stampedBatches(
  client: LoadClient,
  url: string,
  probe: LatencyProbe,
  run: Parameters<typeof stampedBatch>[3],
  reps: number,
): Promise<LatencySamples> {
  const batches: number[][] = [];
  let failed = 0;
  for (let rep = 0; rep < reps; rep++) {
    const batch = await stampedBatch(client, url, probe, run);
    batches.push(batch.values);
    failed += batch.failed;
  }
  return latencySamples(batches, failed);
}

/** A level's batches of samples summarised: the medians of the batches' own median and p99. */
export function latencySamples(batches: number[][], failed: number): LatencySamples {
  // A batch without a sample (every run failed) has no p99 to count.
  const measured = batches.filter((values) => values.length > 0);
  const batchP99Ms = measured.map((values) => p99(values));
  return {
    count: measured.reduce((sum, values) => sum + values.length, 0),
    medianMs: middle(measured.map((values) => median(values))),
    p99Ms: middle(batchP99Ms),
    batchP99Ms,
    failed,
  };
}

/**
 * One batch whose agent stamps its events with their emit time (`emit@<time>`, 5 of 12), read by
 * the client on arrival: the added latency of every stamped event of the complete runs, and how
 * many runs were not complete.
 */
export async function stampedBatch(
  client: LoadClient,
  url: string,
  probe: LatencyProbe,
  run: { events: number; concurrency: number; timeoutMs: number; intervalMs?: number },
): Promise<{ values: number[]; failed: number }> {
  const batch = await client.run({ baseUrl: url, ...run, latency: probe });
  const good = completeRuns(batch.runs, run.events);
  return { values: good.flatMap((r) => r.latenciesMs ?? []), failed: batch.runs.length - good.length };
}

/** The middle value; of two middles the higher (two batches left of three: not the better one). */
function middle(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
