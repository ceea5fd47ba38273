import { randomUUID } from 'node:crypto';
import { eventsOnWire } from './event-mix.js';
import type { MemorySamples, SuitePlan } from './figures.js';
import type { LoadClient } from './load-driver.js';
import { settledMemory } from './process-memory.js';
import { runGate } from './run-shape.js';
import type { ServerUnderTest } from './servers/server-under-test.js';

/** Events of the run that creates the thread the idle subscribers follow. */
const SEED_EVENTS = 14;

/** Resident memory of `count` idle SSE subscribers of one thread, per subscriber. */
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
  const before = await settledMemory();
  const job = client.subscribe({
    baseUrl: server.url,
    transport: 'sse',
    threadId,
    after: eventsOnWire(SEED_EVENTS),
    count,
    timeoutMs: plan.timeoutMs,
    idle: true,
  });
  await job.ready;
  const held = await settledMemory();
  job.release();
  const result = await job.done;
  if (result.ok !== count)
    throw new Error(`${count - result.ok} idle subscribers failed: ${result.errors.join('; ')}`);
  return {
    count,
    rssBytes: (held.rss - before.rss) / count,
    heapBytes: (held.heapUsed - before.heapUsed) / count,
  };
}

/** Resident memory of `count` runs held open mid-run (the agent waits on the gate), per run. */
async function activeRuns(
  client: LoadClient,
  server: ServerUnderTest,
  plan: SuitePlan,
): Promise<MemorySamples['activeRun']> {
  const { activeRuns: count, holdAfter } = plan.memory;
  const before = await settledMemory();
  runGate.close();
  const job = client.start({
    baseUrl: server.url,
    events: holdAfter * 2,
    holdAfter,
    concurrency: count,
    timeoutMs: plan.timeoutMs,
  });
  let held: Awaited<ReturnType<typeof settledMemory>> | undefined;
  try {
    await job.ready;
    held = await settledMemory();
  } finally {
    runGate.open();
  }
  const batch = await job.done;
  const failed = batch.runs.filter((r) => !r.ok);
  if (failed.length > 0) throw new Error(`${failed.length} held runs failed: ${failed[0]?.error ?? ''}`);
  return {
    count,
    rssBytes: (held.rss - before.rss) / count,
    heapBytes: (held.heapUsed - before.heapUsed) / count,
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
