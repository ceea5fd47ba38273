import { randomUUID } from 'node:crypto';
import { measure, type Samples, type SuitePlan } from './figures.js';
import type { LoadClient } from './load-driver.js';

/**
 * Figure 7b: one thread grows to each count of earlier runs (small ones, one after the other);
 * at each count, `reps` runs of `events` events on it are measured (they count as history for the
 * next count). Each run sends the whole conversation so far, as AG-UI clients do (the load client
 * keeps it: `RunRequest.history`): a run's cost may grow with the size of its input, but nothing of
 * the thread's earlier runs may be written again.
 */
export async function measureHistory(
  client: LoadClient,
  url: string,
  plan: SuitePlan,
  log: (line: string) => void,
): Promise<Record<number, Samples>> {
  const { earlierRuns, earlierEvents, events, reps } = plan.history;
  const threadId = `bench-history-${randomUUID()}`;
  const timeoutMs = plan.timeoutMs;
  const out: Record<number, Samples> = {};
  let done = 0;
  for (const level of earlierRuns) {
    log(`  figure 7b: growing the thread to ${level} earlier runs, then ${reps} runs of ${events} events`);
    // Each measured run counts as an earlier run for the next level.
    const fill = Math.max(0, level - done);
    if (fill > 0) {
      const grown = await measure(client, url, {
        events: earlierEvents,
        concurrency: 1,
        reps: fill,
        timeoutMs,
        threadId,
      });
      if (grown.failed > 0) throw new Error(`${grown.failed} earlier runs failed`);
    }
    out[level] = await measure(client, url, { events, concurrency: 1, reps, timeoutMs, threadId });
    done = Math.max(done, level) + reps;
  }
  return out;
}
