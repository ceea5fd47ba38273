import { randomUUID } from 'node:crypto';
import { eventsOnWire } from './event-mix.js';
import type { MemorySamples, SuitePlan } from './figures.js';
import type { LoadClient } from './load-driver.js';
import type { MemorySample } from './process-memory.js';
import type { ServerUnderTest } from './servers/server-under-test.js';

/**
 * The server figure 5 measures, with a hand on the process it runs in (figure 5's host): that
 * process's memory, and its gate that holds runs (`runGate`), which the bench cannot reach itself.
 */
export interface MemoryTarget extends Pick<ServerUnderTest, 'url' | 'features'> {
  /** The server's process's memory after full collections (`settledMemory` there). */
  sample(): Promise<MemorySample>;
  /** Opens or closes `runGate` in the server's process; resolves once it is done. */
  setGate(open: boolean): Promise<void>;
}

/** The sizes figure 5 needs. */
export type MemoryPlan = Pick<SuitePlan, 'timeoutMs' | 'memory'>;

/** Events of the run that creates the thread the idle subscribers follow. */
const SEED_EVENTS = 14;

/**
 * Memory per idle SSE subscriber of one thread, from two equal waves of `count` subscribers held
 * together. The first wave settles into memory the process freed earlier (the warm-up runs leave
 * free heap pages and allocator chunks behind), so its RSS delta can read low; the second wave
 * needs pages of its own, and its delta over the first is the RSS per subscriber.
 * The heap per subscriber is taken over both waves (it is exact after a full collection).
 */
async function idleSubscribers(
  client: LoadClient,
  target: MemoryTarget,
  plan: MemoryPlan,
): Promise<MemorySamples['idleSubscriber']> {
  const threadId = `bench-idle-${randomUUID()}`;
  const seed = await client.run({
    baseUrl: target.url,
    events: SEED_EVENTS,
    concurrency: 1,
    threadId,
    timeoutMs: plan.timeoutMs,
  });
  if (!seed.runs[0]?.ok) throw new Error(`the seed run failed: ${seed.runs[0]?.error ?? 'no run'}`);
  const count = plan.memory.idleSubscribers;
  const wave = () =>
    client.subscribe({
      baseUrl: target.url,
      transport: 'sse',
      threadId,
      after: eventsOnWire(SEED_EVENTS),
      count,
      timeoutMs: plan.timeoutMs,
      idle: true,
    });
  const before = await target.sample();
  const first = wave();
  await first.ready;
  const one = await target.sample();
  const second = wave();
  await second.ready;
  const two = await target.sample();
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
  target: MemoryTarget,
  plan: MemoryPlan,
): Promise<MemorySamples['activeRun']> {
  const { activeRuns: count, holdAfter } = plan.memory;
  const wave = () =>
    client.start({
      baseUrl: target.url,
      events: holdAfter * 2,
      holdAfter,
      concurrency: count,
      timeoutMs: plan.timeoutMs,
    });
  const before = await target.sample();
  await target.setGate(false);
  const jobs = [wave()];
  let one: MemorySample | undefined;
  let two: MemorySample | undefined;
  try {
    await jobs[0]!.ready;
    one = await target.sample();
    jobs.push(wave());
    await jobs[1]!.ready;
    two = await target.sample();
  } finally {
    await target.setGate(true);
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

/** A part of figure 5, named as its samples are. */
export type MemoryPart = 'idleSubscriber' | 'activeRun';

/**
 * The parts of figure 5, in order. What one part frees (2000 subscribers, their buffers) goes back
 * to the system in the background while the next is measured and can take its RSS delta below
 * zero: the suite measures each on a fresh server.
 */
export const MEMORY_PARTS: readonly MemoryPart[] = ['idleSubscriber', 'activeRun'];

/** Figure 5's `parts` (both by default): idle subscribers (servers with a live route), held runs. */
export async function measureMemory(
  client: LoadClient,
  target: MemoryTarget,
  plan: MemoryPlan,
  log: (line: string) => void,
  parts: readonly MemoryPart[] = MEMORY_PARTS,
): Promise<MemorySamples> {
  const out: MemorySamples = { notes: [] };
  if (parts.includes('idleSubscriber') && !target.features?.live)
    out.notes.push('no live route: idle subscribers do not apply');
  else if (parts.includes('idleSubscriber')) {
    log(`  figure 5: ${plan.memory.idleSubscribers} idle SSE subscribers`);
    out.idleSubscriber = await idleSubscribers(client, target, plan);
  }
  if (parts.includes('activeRun')) {
    log(`  figure 5: ${plan.memory.activeRuns} runs held open after ${plan.memory.holdAfter} events`);
    out.activeRun = await activeRuns(client, target, plan);
  }
  return out;
}
