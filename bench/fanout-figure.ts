import { randomUUID } from 'node:crypto';
import { eventsOnWire } from './event-mix.js';
import type { FanoutSamples, SuitePlan } from './figures.js';
import type { LatencyProbe } from './latency.js';
import type { LoadClient } from './load-driver.js';

/** Events of the run that creates the thread before the subscribers follow it. */
const SEED_EVENTS = 14;

/**
 * One run of `events` events followed live by `count` subscribers over `transport`: all of them
 * subscribe (replay done, nothing to replay) before the run starts, then each must receive the
 * run's every event. Events/s is every event delivered over the time from the last subscriber in
 * place to the last one done.
 */
async function fanOut(
  client: LoadClient,
  url: string,
  options: { transport: 'sse' | 'ws'; count: number; events: number; timeoutMs: number; probe: LatencyProbe },
): Promise<FanoutSamples> {
  const threadId = `bench-fanout-${randomUUID()}`;
  const base = { baseUrl: url, concurrency: 1, threadId, timeoutMs: options.timeoutMs };
  const seed = await client.run({ ...base, events: SEED_EVENTS });
  if (!seed.runs[0]?.ok) throw new Error(`the seed run failed: ${seed.runs[0]?.error ?? 'no run'}`);
  const job = client.subscribe({
    baseUrl: url,
    transport: options.transport,
    threadId,
    after: eventsOnWire(SEED_EVENTS),
    count: options.count,
    timeoutMs: options.timeoutMs,
    latency: options.probe,
  });
  await job.ready;
  // Stamped, so subscribers can measure latency (the runner's own stream is measured too, unused).
  const run = await client.run({ ...base, events: options.events, latency: options.probe });
  const result = await job.done;
  const expected = eventsOnWire(options.events);
  const complete =
    run.runs[0]?.ok === true &&
    result.ok === options.count &&
    result.minEvents === expected &&
    result.maxEvents === expected;
  const problem = complete
    ? undefined
    : `${result.ok} of ${options.count} complete; events per subscriber ${result.minEvents}..${result.maxEvents} of ${expected}` +
      (result.errors.length > 0 ? `; ${result.errors.join('; ')}` : '') +
      (run.runs[0]?.ok ? '' : `; the run failed: ${run.runs[0]?.error ?? ''}`);
  return {
    subscribers: options.count,
    complete,
    eventsPerSec: result.totalEvents / (result.wallMs / 1000),
    medianMs: result.latency.medianMs,
    p99Ms: result.latency.p99Ms,
    ...(problem ? { problem } : {}),
  };
}

/** Figure 4: fan-out over each transport at each subscriber count (servers with a live route). */
export async function measureFanout(
  client: LoadClient,
  url: string,
  plan: SuitePlan,
  probe: LatencyProbe,
  log: (line: string) => void,
): Promise<Record<string, FanoutSamples>> {
  const out: Record<string, FanoutSamples> = {};
  for (const transport of plan.fanout.transports)
    for (const count of plan.fanout.subscribers) {
      log(`  figure 4: one run of ${plan.fanout.events} events to ${count} ${transport} subscribers`);
      const samples = await fanOut(client, url, {
        transport,
        count,
        events: plan.fanout.events,
        timeoutMs: plan.timeoutMs,
        probe,
      });
      if (samples.problem) log(`    incomplete: ${samples.problem}`);
      out[`${transport}:${count}`] = samples;
    }
  return out;
}
