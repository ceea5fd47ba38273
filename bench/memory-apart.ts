import { measure, type ContestantResults, type MemorySamples, type SuitePlan } from './figures.js';
import type { LoadClient } from './load-driver.js';
import { MEMORY_PARTS, measureMemory } from './memory-figure.js';
import { startMemoryHost, type MemoryHost } from './memory-host-driver.js';
import type { Contestant } from './servers/server-under-test.js';
import { validateOnce } from './validate-stream.js';

/** Where figure 5 writes: the samples, the stream's verdict, and what went wrong. */
type MemoryResults = Pick<ContestantResults, 'memory' | 'validation' | 'errors'>;

/** Stops a host, its errors into `results`. */
async function stopHost(host: MemoryHost, results: MemoryResults): Promise<void> {
  results.errors.push(...(await host.stop()).map((line) => `figure 5: ${line}`));
}

/** The host is settled once its RSS has not fallen by more than `SETTLE_DROP_BYTES` in `SETTLE_QUIET_MS`. */
const SETTLE_QUIET_MS = 5_000;
const SETTLE_DROP_BYTES = 512 * 1024;
/** The most a host waits to settle: past it, the figure is measured anyway. */
const SETTLE_MAX_MS = 30_000;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits for the host to stop handing memory back: for some seconds after a process started (or
 * worked hard), V8 and the allocator give back several MB with no collection asked for, and a drop
 * during a wave would count against it. Returns the seconds waited.
 */
async function settle(host: MemoryHost): Promise<number> {
  const started = performance.now();
  let quietSince = started;
  let last = await host.sample();
  while (performance.now() - quietSince < SETTLE_QUIET_MS && performance.now() - started < SETTLE_MAX_MS) {
    await pause(500);
    const next = await host.sample();
    if (last.rss - next.rss > SETTLE_DROP_BYTES) quietSince = performance.now();
    last = next;
  }
  return (performance.now() - started) / 1000;
}

/**
 * Starts `contestant`'s server in figure 5's host, checks its stream (once per contestant), warms
 * it up with the sequential runs the other figures start with (so the same code paths are compiled
 * and allocated; not the warm-up's batches: the memory a subscriber or a held run takes does not
 * depend on compiled code), and lets it settle.
 */
async function startWarm(
  contestant: Contestant,
  client: LoadClient,
  plan: Pick<SuitePlan, 'timeoutMs' | 'warmup'>,
  results: MemoryResults,
  log: (line: string) => void,
): Promise<MemoryHost> {
  log(`${contestant.label}: starting in a process of its own (figure 5)`);
  const host = await startMemoryHost(contestant, plan.timeoutMs);
  try {
    await validateOnce(host.url, results, log);
    const { warmup, timeoutMs } = plan;
    await measure(client, host.url, { ...warmup, reps: warmup.runs, concurrency: 1, timeoutMs });
    log(`  figure 5: settled in ${(await settle(host)).toFixed(1)} s`);
    return host;
  } catch (error) {
    await stopHost(host, results);
    throw error;
  }
}

/**
 * Figure 5 on `contestant`, each part on a fresh server in a process of its own
 * (`bench/memory-host.ts`): in a shared process, memory that other servers (or the part before)
 * freed goes back to the system while a part is measured, and an RSS delta can read below zero.
 * A part that does not apply leaves its server to the next. Failures are recorded in `results`.
 */
export async function measureMemoryApart(
  contestant: Contestant,
  client: LoadClient,
  plan: Pick<SuitePlan, 'timeoutMs' | 'warmup' | 'memory'>,
  results: MemoryResults,
  log: (line: string) => void,
): Promise<void> {
  const memory: MemorySamples = { notes: [] };
  let host: MemoryHost | undefined;
  try {
    for (const part of MEMORY_PARTS) {
      host ??= await startWarm(contestant, client, plan, results, log);
      try {
        const measured = await measureMemory(client, host, plan, log, [part]);
        memory.notes.push(...measured.notes);
        // Nothing was measured: the server is still fresh for the next part.
        if (!measured[part]) continue;
        memory[part] = measured[part];
      } catch (error) {
        results.errors.push(`figure 5: ${String(error)}`);
        log(`  figure 5 failed: ${String(error)}`);
      }
      await stopHost(host, results);
      host = undefined;
    }
  } catch (error) {
    results.errors.push(`figure 5: ${String(error)}`);
    log(`  figure 5 failed: ${String(error)}`);
  } finally {
    if (host) await stopHost(host, results);
  }
  if (memory.idleSubscriber || memory.activeRun) results.memory = memory;
}
