/**
 * Figure 5 on the bridge (SQLite) alone, in a process of its own: `npx tsx bench/memory-probe.ts
 * [reps]`. In the full suite every server shares the bench process, and memory the servers measured
 * before handed back to the system can make an RSS delta read below zero; here nothing else ran.
 */
import { measure, type SuitePlan } from './figures.js';
import { startLoadClient } from './load-driver.js';
import { measureMemory } from './memory-figure.js';
import { startBridgeServer } from './servers/bridge-server.js';

const REPS = Number(process.argv[2] ?? 2);
const plan = {
  timeoutMs: 60_000,
  memory: { idleSubscribers: 1000, activeRuns: 500, holdAfter: 12 },
} as const satisfies Pick<SuitePlan, 'timeoutMs' | 'memory'>;

const kb = (bytes: number | undefined): string =>
  bytes === undefined ? '–' : `${(bytes / 1024).toFixed(1)} KB`;
const client = startLoadClient();
const server = await startBridgeServer('sqlite');
try {
  // The suite's warm-up, so the same code paths are compiled and allocated as there.
  await measure(client, server.url, { events: 2000, reps: 5, concurrency: 1, timeoutMs: plan.timeoutMs });
  for (let rep = 0; rep < REPS; rep++) {
    const { idleSubscriber: idle, activeRun: run } = await measureMemory(
      client,
      server,
      plan as SuitePlan,
      () => {},
    );
    console.log(
      `rep ${rep + 1}: idle SSE subscriber RSS ${kb(idle?.rssBytes)} (first wave ${kb(idle?.firstWaveRssBytes)}), ` +
        `heap ${kb(idle?.heapBytes)}; active run RSS ${kb(run?.rssBytes)} (first wave ${kb(run?.firstWaveRssBytes)}), ` +
        `heap ${kb(run?.heapBytes)}`,
    );
  }
} finally {
  client.close();
  await server.close();
}
