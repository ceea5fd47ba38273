/**
 * Figure 5 on one contestant (the bridge on SQLite by default), as the suite measures it (each
 * part on a fresh server in a process of its own), repeated to see how steady it is:
 * `npx tsx bench/memory-probe.ts [reps] [key]`.
 */
import { contestantByKey } from './contestants.js';
import type { ContestantResults, SuitePlan } from './figures.js';
import { startLoadClient } from './load-driver.js';
import { measureMemoryApart } from './memory-apart.js';

const REPS = Number(process.argv[2] ?? 2);
const contestant = contestantByKey(process.argv[3] ?? 'bridge-sqlite');
/** The full suite's sizes. */
const plan = {
  timeoutMs: 60_000,
  warmup: { events: 2000, runs: 5 },
  memory: { idleSubscribers: 1000, activeRuns: 500, holdAfter: 12 },
} as const satisfies Pick<SuitePlan, 'timeoutMs' | 'warmup' | 'memory'>;

const kb = (bytes: number | undefined): string =>
  bytes === undefined ? '–' : `${(bytes / 1024).toFixed(1)} KB`;
const client = startLoadClient();
try {
  for (let rep = 0; rep < REPS; rep++) {
    const results: Pick<ContestantResults, 'memory' | 'validation' | 'errors'> = {
      validation: 'not run',
      errors: [],
    };
    await measureMemoryApart(contestant, client, plan, results, () => {});
    const { idleSubscriber: idle, activeRun: run } = results.memory ?? {};
    console.log(
      `rep ${rep + 1}: idle SSE subscriber RSS ${kb(idle?.rssBytes)} (first wave ${kb(idle?.firstWaveRssBytes)}), ` +
        `heap ${kb(idle?.heapBytes)}; active run RSS ${kb(run?.rssBytes)} (first wave ${kb(run?.firstWaveRssBytes)}), ` +
        `heap ${kb(run?.heapBytes)}`,
    );
    if (results.errors.length > 0) console.error(results.errors.join('\n'));
  }
} finally {
  client.close();
}
