import { completeRuns, type LatencySamples, type SuitePlan } from './figures.js';
import type { LatencyProbe } from './latency.js';
import type { LoadClient } from './load-driver.js';
import { median, p99 } from './stats.js';

/**
 * Figure 2b: added latency per event (emit → client receive) of paced runs, at each level of
 * simultaneous runs. Every event of every complete run is a sample.
 */
export async function measureLatency(
  client: LoadClient,
  url: string,
  plan: SuitePlan,
  probe: LatencyProbe,
  log: (line: string) => void,
): Promise<Record<number, LatencySamples>> {
  const { levels, events, intervalMs } = plan.latency;
  const out: Record<number, LatencySamples> = {};
  for (const concurrency of levels) {
    log(`  figure 2b: ${concurrency} runs of ${events} events, one every ${intervalMs} ms`);
    const { values, failed } = await stampedBatch(client, url, probe, {
      events,
      intervalMs,
      concurrency,
      timeoutMs: plan.timeoutMs,
    });
    out[concurrency] = { count: values.length, medianMs: median(values), p99Ms: p99(values), failed };
  }
  return out;
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
