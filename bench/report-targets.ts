import type { ContestantResults, SuitePlan } from './figures.js';
import { markdownTable, medianCpuOf as cpuOf, medianRateOf as rateOf, ms, percentOf } from './format.js';
import { median } from './stats.js';

/** One row of the targets table. */
interface TargetRow {
  target: string;
  measured: string;
  /** `yes`, `no`, or why it could not be judged. */
  met: string;
}

const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'not measured' : ok ? 'yes' : 'no');

function floorShare(
  bridge: ContestantResults,
  floor: ContestantResults | undefined,
  plan: SuitePlan,
): TargetRow {
  const lengths = [...plan.growth.lengths, ...plan.growth.optional].filter(
    (l) => bridge.growth[l] && !bridge.growth[l]?.skipped,
  );
  const shares = lengths.map((l) => rateOf(bridge.growth[l]) / rateOf(floor?.growth[l]));
  const measured = lengths.map((l, i) => `${l}: ${percentOf(shares[i] ?? Number.NaN, 1)}`).join(', ');
  const ok = shares.length > 0 && shares.every(Number.isFinite) ? shares.every((s) => s >= 0.5) : undefined;
  return {
    target: "bridge (SQLite) >= 50% of the floor's events/s, one stream, every run length (fig. 7)",
    measured: measured || '–',
    met: verdict(ok),
  };
}

/**
 * Figure 3's target, judged on events/s and on server CPU per event together: on a shared machine
 * another process slowing one contestant's batches moves its events/s, not its CPU per event, so
 * a share of events/s that the CPU cost does not bear out is not counted as met.
 */
function expressShare(bridge: ContestantResults, express: ContestantResults | undefined): TargetRow {
  const share = rateOf(bridge.concurrency[100]) / rateOf(express?.concurrency[100]);
  const cost = cpuOf(bridge.concurrency[100]) / cpuOf(express?.concurrency[100]);
  const measured = Number.isFinite(cost)
    ? `${percentOf(share, 1)} of its events/s; server CPU per event ${cost.toFixed(2)}× its own (<= 1.25 needed)`
    : percentOf(share, 1);
  const ok = Number.isFinite(share) ? share >= 0.8 && !(cost > 1.25) : undefined;
  return {
    target: 'bridge (SQLite) within 20% of the Express server at 100 simultaneous runs (fig. 3)',
    measured,
    met: verdict(ok),
  };
}

function latencyTarget(bridge: ContestantResults): TargetRow {
  const p99 = bridge.latency?.[100]?.p99Ms;
  return {
    target: 'bridge (SQLite) p99 added latency per event < 2 ms at 100 simultaneous runs (fig. 2b)',
    measured: p99 === undefined ? '–' : `${ms(p99)} ms`,
    met: verdict(p99 === undefined || !Number.isFinite(p99) ? undefined : p99 < 2),
  };
}

function idleTarget(bridge: ContestantResults): TargetRow {
  const idle = bridge.memory?.idleSubscriber;
  const target = 'bridge (SQLite) <= 64 KB per idle subscriber (fig. 5, RSS of a process of its own)';
  if (!idle) return { target, measured: '–', met: 'not measured' };
  const measured = `${(idle.rssBytes / 1024).toFixed(1)} KB RSS (${(idle.heapBytes / 1024).toFixed(1)} KB heap)`;
  // Subscribers held open cannot take less than nothing: a delta <= 0 means the process handed
  // memory back to the system while measured (RSS moves in pages), and says nothing of them.
  if (idle.rssBytes <= 0) return { target, measured, met: 'unclear (RSS delta <= 0: memory handed back)' };
  return { target, measured, met: verdict(idle.rssBytes <= 64 * 1024) };
}

function subscribersTarget(bridge: ContestantResults): TargetRow {
  const fanout = Object.entries(bridge.fanout ?? {}).filter(([, s]) => s.subscribers >= 1000);
  const idle = bridge.memory?.idleSubscriber;
  const parts = fanout.map(([key, s]) => `${key}: ${s.complete ? 'complete' : 'INCOMPLETE'}`);
  if (idle) parts.push(`${idle.count} idle SSE: held`);
  const ok = fanout.length > 0 ? fanout.every(([, s]) => s.complete) : undefined;
  return {
    target: '1000 simultaneous subscribers on one instance (fig. 4, 5)',
    measured: parts.join(', ') || '–',
    met: verdict(ok),
  };
}

/** Where the bridge (SQLite) is behind CopilotKit's runtime, figure by figure. */
function copilotKitTarget(
  bridge: ContestantResults,
  ck: ContestantResults | undefined,
  plan: SuitePlan,
): TargetRow {
  const target = "ahead of CopilotKit's runtime on every figure";
  if (!ck || ck.skipped) return { target, measured: ck?.skipped ?? 'not run', met: 'not measured' };
  const higher: [string, number, number][] = [
    ['fig. 1 events/s', rateOf(bridge.single), rateOf(ck.single)],
    ['fig. 3 100 runs events/s', rateOf(bridge.concurrency[100]), rateOf(ck.concurrency[100])],
    ...[...plan.growth.lengths, ...plan.growth.optional].map(
      (l) =>
        [`fig. 7 ${l} events/s`, rateOf(bridge.growth[l]), rateOf(ck.growth[l])] as [string, number, number],
    ),
    ...plan.history.earlierRuns.map(
      (n) =>
        [`fig. 7b ${n} earlier events/s`, rateOf(bridge.history?.[n]), rateOf(ck.history?.[n])] as [
          string,
          number,
          number,
        ],
    ),
  ];
  const lower: [string, number, number][] = [
    [
      'fig. 2 RUN_STARTED median',
      median(bridge.startup?.runStartedMs ?? []),
      median(ck.startup?.runStartedMs ?? []),
    ],
    ...plan.latency.levels.map(
      (l) =>
        [
          `fig. 2b ${l} runs p99`,
          bridge.latency?.[l]?.p99Ms ?? Number.NaN,
          ck.latency?.[l]?.p99Ms ?? Number.NaN,
        ] as [string, number, number],
    ),
    [
      'fig. 3 100 runs latency p99',
      bridge.concurrency[100]?.latency?.p99Ms ?? Number.NaN,
      ck.concurrency[100]?.latency?.p99Ms ?? Number.NaN,
    ],
    [
      'fig. 5 per active run',
      bridge.memory?.activeRun?.rssBytes ?? Number.NaN,
      ck.memory?.activeRun?.rssBytes ?? Number.NaN,
    ],
  ];
  const compared = [
    ...higher
      .filter(([, b, c]) => Number.isFinite(b) && Number.isFinite(c))
      .map(([n, b, c]) => [n, b >= c] as const),
    ...lower
      .filter(([, b, c]) => Number.isFinite(b) && Number.isFinite(c))
      .map(([n, b, c]) => [n, b <= c] as const),
  ];
  const behind = compared.filter(([, ahead]) => !ahead).map(([n]) => n);
  return {
    target,
    measured:
      compared.length === 0
        ? '–'
        : `ahead on ${compared.length - behind.length} of ${compared.length}` +
          (behind.length > 0 ? `; behind on ${behind.join(', ')}` : ''),
    met: verdict(compared.length > 0 ? behind.length === 0 : undefined),
  };
}

/** The targets of issue 6 as a table: target, measured, met. */
export function targetsTable(results: ContestantResults[], plan: SuitePlan): string {
  const bridge = results.find((r) => r.key === 'bridge-sqlite');
  if (!bridge) return '- the bridge on SQLite did not run: targets not evaluated';
  const find = (key: string) => results.find((r) => r.key === key);
  const rows = [
    floorShare(bridge, find('floor'), plan),
    expressShare(bridge, find('express')),
    latencyTarget(bridge),
    idleTarget(bridge),
    subscribersTarget(bridge),
    copilotKitTarget(bridge, find('copilotkit'), plan),
  ];
  return markdownTable(
    ['target', 'measured', 'met?'],
    rows.map((r) => [r.target, r.measured, r.met]),
  );
}
