import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchmarksDoc } from './benchmarks-doc.js';
import { chartModel, writeChart } from './chart.js';
import type { ContestantResults, SuitePlan } from './figures.js';
import { startLoadClient } from './load-driver.js';
import { describeMachine } from './machine.js';
import { consoleTable } from './report.js';
import { bridgeContestants } from './servers/bridge-server.js';
import { expressContestant } from './servers/express-server.js';
import { floorContestant } from './servers/floor-server.js';
import { measureContestant } from './suite.js';

/** The full suite: about ten minutes on a busy 2-core machine. */
const FULL: SuitePlan = {
  timeoutMs: 180_000,
  warmup: { events: 2000, runs: 5 },
  single: { events: 5000, reps: 7 },
  startup: { events: 50, reps: 50 },
  concurrency: { levels: [1, 10, 100], optional: [1000], events: 200, reps: 3, budgetMs: 30_000 },
  growth: { lengths: [1000, 10_000, 50_000], optional: [200_000], reps: 2, budgetMs: 30_000 },
};

/** A smoke test of the bench itself: seconds, numbers not worth publishing. */
const QUICK: SuitePlan = {
  timeoutMs: 60_000,
  warmup: { events: 100, runs: 1 },
  single: { events: 1000, reps: 2 },
  startup: { events: 50, reps: 5 },
  concurrency: { levels: [1, 10], optional: [100], events: 100, reps: 1, budgetMs: 5_000 },
  growth: { lengths: [1000, 10_000], optional: [], reps: 1, budgetMs: 5_000 },
};

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const plan = quick ? QUICK : FULL;
const contestants = [floorContestant, expressContestant, ...bridgeContestants].filter(
  (c) => !only || only.includes(c.key),
);

const machine = describeMachine();
const started = Date.now();
const client = startLoadClient();
const results: ContestantResults[] = [];
try {
  for (const contestant of contestants) results.push(await measureContestant(contestant, client, plan));
} finally {
  client.close();
}
machine.finish();

console.log(consoleTable(results, plan));
const docs = new URL('../docs/', import.meta.url);
writeChart(
  chartModel(
    results,
    [...plan.concurrency.levels, ...plan.concurrency.optional],
    [...plan.growth.lengths, ...plan.growth.optional],
  ),
  fileURLToPath(new URL('benchmarks.svg', docs)),
  fileURLToPath(new URL('benchmarks.png', docs)),
);
const doc = benchmarksDoc({
  results,
  plan,
  machine,
  date: new Date(started).toISOString(),
  durationS: (Date.now() - started) / 1000,
  chart: { svg: 'benchmarks.svg', png: 'benchmarks.png' },
});
writeFileSync(fileURLToPath(new URL('benchmarks.md', docs)), doc);
console.log(`wrote docs/benchmarks.md${quick ? ' (quick plan: not worth publishing)' : ''}`);
