import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchmarksDoc } from './benchmarks-doc.js';
import { chartModel, writeChart } from './chart.js';
import type { ContestantResults, SuitePlan } from './figures.js';
import { startLoadClient } from './load-driver.js';
import { describeMachine } from './machine.js';
import { consoleTable } from './report.js';
import { CONTESTANTS } from './contestants.js';
import { COPILOTKIT_DIR, copilotKitContestant } from './servers/copilotkit-server.js';
import { FIGURES, type FigureKey } from './servers/server-under-test.js';
import { measureContestant } from './suite.js';

/**
 * The full suite: figures 1-3 and 7 took about 3 minutes for five contestants; the fan-out (200k
 * deliveries per cell at 1000 subscribers), 1000 earlier runs per thread and CopilotKit's slow long
 * runs make it about half an hour or more (not timed yet on a quiet machine).
 */
const FULL: SuitePlan = {
  timeoutMs: 180_000,
  warmup: {
    events: 2000,
    runs: 5,
    steady: { concurrency: 100, events: 200, maxEvents: 1_500_000, maxMs: 30_000 },
  },
  single: { events: 5000, reps: 7 },
  startup: { events: 50, reps: 50 },
  concurrency: { levels: [1, 10, 100], optional: [1000], events: 200, reps: 3, budgetMs: 30_000 },
  growth: {
    lengths: [1000, 10_000, 50_000],
    optional: [200_000],
    reps: 2,
    budgetMs: 30_000,
    minEvents: 20_000,
  },
  latency: { levels: [1, 100], events: 200, intervalMs: 20, reps: 3 },
  fanout: { subscribers: [1, 100, 1000], events: 200, transports: ['sse', 'ws', 'connect'] },
  memory: { idleSubscribers: 1000, activeRuns: 500, holdAfter: 12 },
  persistence: { events: 5000, reps: 3, concurrency: 100, concurrentEvents: 200 },
  history: { earlierRuns: [1, 100, 1000], earlierEvents: 14, events: 1000, reps: 3 },
};

/** A smoke test of the bench itself: seconds, numbers not worth publishing. */
const QUICK: SuitePlan = {
  timeoutMs: 60_000,
  warmup: { events: 100, runs: 1, steady: { concurrency: 10, events: 100, maxEvents: 5000, maxMs: 2000 } },
  single: { events: 1000, reps: 2 },
  startup: { events: 50, reps: 5 },
  concurrency: { levels: [1, 10], optional: [100], events: 100, reps: 1, budgetMs: 5_000 },
  growth: { lengths: [1000, 10_000], optional: [], reps: 1, budgetMs: 5_000, minEvents: 2000 },
  latency: { levels: [1, 100], events: 50, intervalMs: 20, reps: 1 },
  fanout: { subscribers: [1, 100, 1000], events: 50, transports: ['sse', 'ws', 'connect'] },
  memory: { idleSubscribers: 1000, activeRuns: 50, holdAfter: 12 },
  persistence: { events: 1000, reps: 1, concurrency: 20, concurrentEvents: 100 },
  history: { earlierRuns: [1, 10, 50], earlierEvents: 14, events: 500, reps: 1 },
};

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const asked = args
  .find((a) => a.startsWith('--figures='))
  ?.slice('--figures='.length)
  .split(',');
const json = args.find((a) => a.startsWith('--json='))?.slice('--json='.length);
const plan = quick ? QUICK : FULL;
const isFigure = (figure: string): figure is FigureKey => (FIGURES as readonly string[]).includes(figure);
const unknown = asked?.filter((f) => !isFigure(f)) ?? [];
if (unknown.length > 0) throw new Error(`no figure ${unknown.join(', ')}: figures are ${FIGURES.join(', ')}`);
const figures = asked?.filter(isFigure);
const chosen = (key: string): boolean => !only || only.includes(key);
/** Those asked for that run a figure asked for; CopilotKit's runtime only when it is installed. */
const contestants = CONTESTANTS.filter(
  (c) =>
    chosen(c.key) &&
    (Boolean(COPILOTKIT_DIR) || c !== copilotKitContestant) &&
    (!figures || !c.figures || c.figures.some((f) => figures.includes(f))),
);
/** CopilotKit's runtime is not our dependency: without its folder it is skipped, and the doc says why. */
const COPILOTKIT_SKIPPED =
  'skipped: BENCH_COPILOTKIT_DIR is not set (a folder where `npm install @copilotkit/runtime` was run)';

const machine = describeMachine();
const started = Date.now();
const client = startLoadClient();
const results: ContestantResults[] = [];
if (!COPILOTKIT_DIR && chosen(copilotKitContestant.key)) {
  console.error(`${copilotKitContestant.label}: ${COPILOTKIT_SKIPPED}`);
  results.push({
    key: copilotKitContestant.key,
    label: copilotKitContestant.label,
    validation: 'not run',
    concurrency: {},
    growth: {},
    notes: [],
    errors: [],
    skipped: COPILOTKIT_SKIPPED,
  });
}
try {
  for (const contestant of contestants)
    results.push(await measureContestant(contestant, client, plan, figures));
} finally {
  client.close();
}
machine.finish();

console.log(consoleTable(results, plan));
if (json) writeFileSync(path.resolve(json), JSON.stringify({ plan, machine, results }, null, 2));
const docs = new URL('../docs/', import.meta.url);
writeChart(
  chartModel(
    results.filter((r) => !r.skipped),
    [...plan.concurrency.levels, ...plan.concurrency.optional],
    [...plan.growth.lengths, ...plan.growth.optional],
    plan.fanout.transports.flatMap((t) => plan.fanout.subscribers.map((n) => `${t}:${n}`)),
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
  quick,
  ...(figures ? { figures } : {}),
});
writeFileSync(fileURLToPath(new URL('benchmarks.md', docs)), doc);
console.log(`wrote docs/benchmarks.md${quick ? ' (quick plan: not worth publishing)' : ''}`);
