import { randomUUID } from 'node:crypto';
import { eventsOnWire } from './event-mix.js';
import type { MemorySamples, SuitePlan } from './figures.js';
import type { LoadClient } from './load-driver.js';
import { settledMemory, type MemorySample } from './process-memory.js';
import { runGate } from './run-shape.js';
import type { ServerUnderTest } from './servers/server-under-test.js';

/** Events of the run that creates the thread the idle subscribers follow. */
const SEED_EVENTS = 14;

/**
 * Memory per idle SSE subscriber of one thread, from two equal waves of `count` subscribers held
 * together. The first wave settles into memory the process freed earlier (runs before it leave
 * free heap pages and allocator chunks behind), so its RSS delta reads near zero or below; the
 * second wave needs pages of its own, and its delta over the first is the RSS per subscriber.
 * The heap per subscriber is taken over both waves (it is exact after a full collection).
 */
async function idleSubscribers(
  client: LoadClient,
  server: ServerUnderTest,
  plan: SuitePlan,
): Promise<MemorySamples['idleSubscriber']> {
  const threadId = `bench-idle-${randomUUID()}`;
  const seed = await client.run({
    baseUrl: server.url,
    events: SEED_EVENTS,
    concurrency: 1,
    threadId,
    timeoutMs: plan.timeoutMs,
  });
  if (!seed.runs[0]?.ok) throw new Error(`the seed run failed: ${seed.runs[0]?.error ?? 'no run'}`);
  const count = plan.memory.idleSubscribers;
  const wave = () =>
    client.subscribe({
      baseUrl: server.url,
      transport: 'sse',
      threadId,
      after: eventsOnWire(SEED_EVENTS),
      count,
      timeoutMs: plan.timeoutMs,
      idle: true,
    });
  const before = await settledMemory();
  const first = wave();
  await first.ready;
  const one = await settledMemory();
  const second = wave();
  await second.ready;
  const two = await settledMemory();
  first.release();
  second.release();
  const results = await Promise.all([first.done, second.done]);
  const failed = results.reduce((sum, r) => sum + count - r.ok, 0);
  if (failed > 0)
    throw new Error(`${failed} idle subscribers failed: ${results.flatMap((r) => r.errors).join('; ')}`);
  return {
    count: 2 * count,
    rssBytes: (two.rss - one.rss) / count,
    firstWaveRssBytes: (one.rss - before.rss) / count,
    heapBytes: (two.heapUsed - before.heapUsed) / (2 * count),
  };
}

/**
 * Memory per run held open mid-run (the agent waits on the gate), from two equal waves of `count`
 * runs held together: as for idle subscribers, the second wave's RSS delta over the first is the
 * RSS per run, and the heap per run is taken over both.
 */
async function activeRuns(
  client: LoadClient,
  server: ServerUnderTest,
  plan: SuitePlan,
): Promise<MemorySamples['activeRun']> {
  const { activeRuns: count, holdAfter } = plan.memory;
  const wave = () =>
    client.start({
      baseUrl: server.url,
      events: holdAfter * 2,
      holdAfter,
      concurrency: count,
      timeoutMs: plan.timeoutMs,
    });
  const before = await settledMemory();
  runGate.close();
  const jobs = [wave()];
  let one: MemorySample | undefined;
  let two: MemorySample | undefined;
  try {
    await jobs[0]!.ready;
    one = await settledMemory();
    jobs.push(wave());
    await jobs[1]!.ready;
    two = await settledMemory();
  } finally {
    runGate.open();
  }
  const batches = await Promise.all(jobs.map((job) => job.done));
  const failed = batches.flatMap((batch) => batch.runs.filter((r) => !r.ok));
  if (failed.length > 0) throw new Error(`${failed.length} held runs failed: ${failed[0]?.error ?? ''}`);
  return {
    count: 2 * count,
    rssBytes: (two.rss - one.rss) / count,
    firstWaveRssBytes: (one.rss - before.rss) / count,
    heapBytes: (two.heapUsed - before.heapUsed) / (2 * count),
  };
}

/** Figure 5: idle subscribers (servers with a live route) and held runs (every server). */
export async function measureMemory(
  client: LoadClient,
  server: ServerUnderTest,
  plan: SuitePlan,
  log: (line: string) => void,
): Promise<MemorySamples> {
  const out: MemorySamples = { notes: [] };
  if (server.features?.live) {
    log(`  figure 5: ${plan.memory.idleSubscribers} idle SSE subscribers`);
    out.idleSubscriber = await idleSubscribers(client, server, plan);
  } else out.notes.push('no live route: idle subscribers do not apply');
  log(`  figure 5: ${plan.memory.activeRuns} runs held open after ${plan.memory.holdAfter} events`);
  out.activeRun = await activeRuns(client, server, plan);
  return out;
}
