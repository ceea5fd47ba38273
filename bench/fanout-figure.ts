import { randomUUID } from 'node:crypto';
import { eventsOnWire } from './event-mix.js';
import type { FanoutSamples, SuitePlan } from './figures.js';
import type { LatencyProbe } from './latency.js';
import type { FanoutResult, FanoutTransport } from './load-client.js';
import type { LoadClient } from './load-driver.js';
import { runGate } from './run-shape.js';
import type { ServerUnderTest } from './servers/server-under-test.js';

/** Events of the run that creates the thread before the subscribers follow it. */
const SEED_EVENTS = 14;

interface FanoutOptions {
  transport: FanoutTransport;
  count: number;
  events: number;
  timeoutMs: number;
  probe: LatencyProbe;
}

/** One fan-out: what the subscribers and the run itself reported. */
interface Delivery {
  result: FanoutResult;
  runOk: boolean;
  runError?: string;
}

/**
 * SSE and WebSocket: a seed run creates the thread, every subscriber follows it from its last
 * event (nothing to replay), then the measured run goes on the thread.
 */
async function followThenRun(client: LoadClient, url: string, options: FanoutOptions): Promise<Delivery> {
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
  return { result: await job.done, runOk: run.runs[0]?.ok === true, ...runError(run.runs[0]?.error) };
}

/**
 * Connect (AG-UI `POST /agent/:id/connect`, which joins only a run in flight): the run starts on a
 * fresh thread and holds after `RUN_STARTED`; every subscriber connects (and gets `RUN_STARTED`
 * replayed); then the gate opens and the rest of the run streams to all of them.
 */
async function runThenConnect(client: LoadClient, url: string, options: FanoutOptions): Promise<Delivery> {
  const threadId = `bench-connect-${randomUUID()}`;
  runGate.close();
  const run = client.start({
    baseUrl: url,
    concurrency: 1,
    threadId,
    timeoutMs: options.timeoutMs,
    events: options.events,
    holdAfter: 1,
    latency: options.probe,
  });
  try {
    await run.ready;
    const job = client.subscribe({
      baseUrl: url,
      transport: 'connect',
      threadId,
      after: 0,
      count: options.count,
      timeoutMs: options.timeoutMs,
      latency: options.probe,
    });
    await job.ready;
    runGate.open();
    const result = await job.done;
    const batch = await run.done;
    return { result, runOk: batch.runs[0]?.ok === true, ...runError(batch.runs[0]?.error) };
  } finally {
    runGate.open();
  }
}

const runError = (error: string | undefined): { runError?: string } => (error ? { runError: error } : {});

/** Runs one fan-out and checks that every subscriber got the run's every event. */
async function fanOut(client: LoadClient, url: string, options: FanoutOptions): Promise<FanoutSamples> {
  const delivery =
    options.transport === 'connect'
      ? await runThenConnect(client, url, options)
      : await followThenRun(client, url, options);
  const { result } = delivery;
  const expected = eventsOnWire(options.events);
  const complete =
    delivery.runOk &&
    result.ok === options.count &&
    result.minEvents === expected &&
    result.maxEvents === expected;
  const problem = complete
    ? undefined
    : `${result.ok} of ${options.count} complete; events per subscriber ${result.minEvents}..${result.maxEvents} of ${expected}` +
      (result.errors.length > 0 ? `; ${result.errors.join('; ')}` : '') +
      (delivery.runOk ? '' : `; the run failed: ${delivery.runError ?? ''}`);
  return {
    subscribers: options.count,
    complete,
    eventsPerSec: result.totalEvents / (result.wallMs / 1000),
    medianMs: result.latency.medianMs,
    p99Ms: result.latency.p99Ms,
    ...(problem ? { problem } : {}),
  };
}

/** The transports a server serves: the bridge's live routes, and AG-UI's connect. */
export function fanoutTransports(server: ServerUnderTest, plan: SuitePlan): FanoutTransport[] {
  return plan.fanout.transports.filter((t) =>
    t === 'connect' ? server.features?.connect === true : server.features?.live === true,
  );
}

/** Figure 4: fan-out over each transport the server serves, at each subscriber count. */
export async function measureFanout(
  client: LoadClient,
  server: ServerUnderTest,
  plan: SuitePlan,
  probe: LatencyProbe,
  log: (line: string) => void,
): Promise<Record<string, FanoutSamples>> {
  const out: Record<string, FanoutSamples> = {};
  for (const transport of fanoutTransports(server, plan))
    for (const count of plan.fanout.subscribers) {
      log(`  figure 4: one run of ${plan.fanout.events} events to ${count} ${transport} subscribers`);
      const samples = await fanOut(client, server.url, {
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
