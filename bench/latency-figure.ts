import { eventsOnWire } from './event-mix.js';
import type { LatencySamples, SuitePlan } from './figures.js';
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
  const expected = eventsOnWire(events);
  for (const concurrency of levels) {
    log(`  figure 2b: ${concurrency} runs of ${events} events, one every ${intervalMs} ms`);
    const batch = await client.run({
      baseUrl: url,
      events,
      intervalMs,
      concurrency,
      timeoutMs: plan.timeoutMs,
      latency: probe,
    });
    const good = batch.runs.filter((r) => r.ok && r.events === expected);
    const values = good.flatMap((r) => r.latenciesMs ?? []);
    out[concurrency] = {
      count: values.length,
      medianMs: median(values),
      p99Ms: p99(values),
      failed: batch.runs.length - good.length,
    };
  }
  return out;
}
