import type { ContestantResults, SuitePlan } from './figures.js';
import type { MachineInfo } from './machine.js';
import type { FigureKey } from './servers/server-under-test.js';
import { figureTables, growthRuns, machineLines, onceWhenAffordable } from './report.js';
import { moreFigureTables } from './report-more.js';
import { targetsTable } from './report-targets.js';

/** What the bench does not measure yet (issue 6), for the next session. */
const NOT_MEASURED = [
  "- **CopilotKit's idle subscribers**: its runtime follows a thread only with `POST /agent/:id/connect`, which " +
    'completes at once when no run is in flight, so an idle subscriber does not exist there (figure 5 has its held ' +
    'runs only).',
];

/** How figures 2b, 4, 5, 6 and 7b are measured. */
function moreMethodLines(plan: SuitePlan): string[] {
  const { latency, fanout, memory, persistence, history } = plan;
  return [
    `- **Added latency per event (2b)**: runs of ${latency.events} events paced one every ${latency.intervalMs} ms ` +
      '(an LLM streaming tokens, not a burst), at ' +
      `${latency.levels.join(' and ')} simultaneous runs. The scripted agent writes its emit time into the events it ` +
      'emits (`emit@<epoch ms>` as the text of the 4 text deltas and the value of the state delta of each cycle: 5 ' +
      "events of 12; AG-UI's `timestamp` is whole milliseconds, too coarse) from `performance.timeOrigin + " +
      'performance.now()`; the load client subtracts it from the same clock of its own process when the chunk that ' +
      "completes the frame arrives. The two processes' clocks are compared before the figure over IPC (20 round trips, " +
      "the shortest one's midpoint; the error is under half that round trip, a few microseconds) and the offset is " +
      'subtracted. Every stamped event of every complete run is a sample. Each level is measured in ' +
      `${latency.reps} batches; the median and the p99 reported are the medians of the batches' own (a batch's p99 is ` +
      'its slowest hundredth, its slowest sample at one run, where one stall of the shared machine shows), and ' +
      "each batch's p99 is listed. Before 2026-11-23 the p99 was one batch's: not comparable with these.",
    `- **Fan-out (4)**: one run of ${fanout.events} events (a burst, stamped) followed by ` +
      `${fanout.subscribers.join(', ')} subscribers, each on a connection of its own. Over the bridge's SSE feed ` +
      '(`GET /threads/:id/events`, `Accept: text/event-stream`) and WebSocket (`/ws`, `subscribe`): a small run creates ' +
      'the thread, every subscriber follows it from its last event, and once all are in place (SSE headers, WebSocket ' +
      "ack) the run starts. Over AG-UI's `POST /agent/:id/connect` (the bridge and CopilotKit both serve it; it joins " +
      'only a run in flight): the run starts on a fresh thread and holds after `RUN_STARTED`, every subscriber ' +
      'connects, then the run goes on. Each subscriber counts its events until `RUN_FINISHED`; the cell is marked ' +
      "INCOMPLETE unless every subscriber got exactly the run's events. Events/s is all deliveries over the time from " +
      'the last subscriber in place to the last one done; latency is emit → receive of the stamped events (a burst: it ' +
      'is mostly queueing). The WebSocket limit per thread (`BRIDGE_WS_MAX_CONNECTIONS_PER_THREAD`, 5) is raised to ' +
      '2000 for the bench. The floor and the Express server keep no thread to follow: a broadcaster written for the ' +
      'bench would measure the bench, not a product, so they have no fan-out column.',
    '- **Memory (5)**: measured on servers in a process of their own (`bench/memory-host.ts`, forked by the bench, ' +
      'which creates the database and removes it after), a fresh one for each part (idle subscribers, held runs: ' +
      'what one part frees goes back to the system while the next is measured), warmed up by the sequential runs the ' +
      "other figures start with (not the warm-up's batches: the memory a subscriber or a held run takes does not " +
      'depend on compiled code), ' +
      "with V8's young generation held at 1 MB (`--max-semi-space-size=1`; by default it grows to 2 x 16 MB under load " +
      'and is handed back seconds later on its own), and measured once its RSS has stopped falling (no drop over ' +
      '512 KB for 5 s; at most 30 s). ' +
      `That process's RSS and V8 heap after two full collections (\`gc\` exposed at run time) before and while ` +
      `${memory.idleSubscribers} idle SSE subscribers follow one thread (nothing to send), then while ` +
      `${memory.idleSubscribers} more do; likewise for two waves of ${memory.activeRuns} runs held open: the agent ` +
      `emits ${memory.holdAfter} events, then waits on a gate in that process, which the bench closes over IPC before ` +
      'the runs start and opens once every run has sent `RUN_STARTED`. The delta divided by the count. A first wave ' +
      'fits in memory the process freed after the warm-up (its RSS delta can read low), so the RSS per subscriber or ' +
      'run is the second wave over the first; the heap column (exact after a collection) is over both.',
    `- **Persistence (6)**: one run of ${persistence.events} events ${persistence.reps} times, then ${persistence.concurrency} ` +
      `simultaneous runs of ${persistence.concurrentEvents}, on each bridge, and on the bridge on SQLite whose event log ` +
      "is the in-memory one of the tests (`tests/fakes/in-memory-event-log.ts`, swapped into the runtime's store before " +
      'the first request; threads, runs and messages still go to SQLite). Rows written/s: rows of the `Event` table ' +
      'counted in the database before and after, over the wall time of the figure.',
    `- **History (7b)**: one thread grows by runs of ${history.earlierEvents} events, one after the other, to ` +
      `${history.earlierRuns.join(', ')} earlier runs; at each count ${history.reps} runs of ${history.events} events ` +
      'are measured on it (they count as earlier runs for the next count). Every run sends the whole conversation ' +
      'so far (a user message and, per cycle of the mix, the assistant message with its tool call and the tool result), ' +
      'as AG-UI clients do. The floor and the Express server keep no ' +
      "history (flat references); CopilotKit's in-memory runner keeps at most 100 runs per thread by default.",
  ];
}

/** What the doc says about CopilotKit's runtime. */
function copilotKitLines(results: ContestantResults[]): string[] {
  const ck = results.find((r) => r.key === 'copilotkit');
  const how =
    '`@copilotkit/runtime` is not a dependency of this repository: install it in a folder of its own ' +
    '(`mkdir /tmp/ck && cd /tmp/ck && npm init -y && npm install @copilotkit/runtime`) and run the bench with ' +
    '`BENCH_COPILOTKIT_DIR=/tmp/ck`. `bench/servers/copilotkit-server.ts` loads `@copilotkit/runtime/v2` from there ' +
    '(`CopilotRuntime` with its `InMemoryAgentRunner`, served by `createCopilotNodeListener` at `/agent/:agentId/run`, ' +
    "telemetry off) with the scripted agent as an `AbstractAgent` of the runtime's own `@ag-ui/client`: the same mix, " +
    'pacing, holds and stamps. Version 1.75.0 installed and passed the validation here (its `RUN_STARTED` also carries ' +
    'the run input). Its in-memory runner keeps every event of a thread in process memory (bounded: 1000 threads, ' +
    '100 runs per thread, 512 MB by default, least recently used evicted) and persists nothing. From its source ' +
    '(`dist/v2/runtime/runner/in-memory.mjs`): each run first walks every event of every earlier run of the thread ' +
    '(message ids), keeps its own events in a `ReplaySubject(Infinity)`, and compacts them into the thread at the end; ' +
    '`connect` replays the compacted history, then the run in flight from that subject (it completes at once when no ' +
    'run is in flight). A run started while one is in flight on the thread fails ("Thread already running") unless the runner supersedes.';
  if (!ck) return [how];
  return [how, '', ck.skipped ? `In this run: ${ck.skipped}.` : `In this run: ${ck.validation}.`];
}

/** The whole generated `docs/benchmarks.md`. */
export function benchmarksDoc(options: {
  results: ContestantResults[];
  plan: SuitePlan;
  machine: MachineInfo;
  date: string;
  durationS: number;
  chart: { svg: string; png: string };
  /** Generated by `--quick`: smoke-test sizes. */
  quick?: boolean;
  /** Generated by `--figures=`: only these figures were measured. */
  figures?: FigureKey[];
}): string {
  const { results, plan, machine } = options;
  const chart =
    `![events/s, contestants side by side](${options.chart.png})\n\n` +
    `(The same chart as SVG: [${options.chart.svg}](${options.chart.svg}). The PNG is drawn by ` +
    '`bench/png-chart.ts` with a bitmap font: no image library is installed.)';
  const problems = results
    .filter((r) => r.errors.length > 0 && !r.skipped)
    .map((r) => `- ${r.label}: ${r.errors.join('; ')}`);
  return [
    '# Benchmarks',
    '',
    `> Generated by \`npm run bench\` (\`bench/run.ts\`) on ${options.date} in ${options.durationS.toFixed(0)} s. ` +
      'Do not edit by hand: change the bench and run it again.',
    ...(options.quick
      ? ['', '> **Quick plan** (`--quick`): smoke-test sizes; these numbers are not worth publishing.']
      : []),
    ...(options.figures
      ? [
          '',
          `> **Partial run** (\`--figures=${options.figures.join(',')}\`): the other figures were not measured.`,
        ]
      : []),
    '',
    'Throughput and latency of the bridge against the alternatives, measured side by side in one run on the same ' +
      'machine (issue 6).',
    '',
    '## Machine',
    '',
    ...machineLines(machine),
    '',
    '## Against the targets of issue 6',
    '',
    targetsTable(results, plan),
    '',
    'What the profile showed, what was changed and the numbers before and after each change: ' +
      '[benchmarks-history.md](benchmarks-history.md) (written by hand, not by this generator).',
    '',
    '## Figures',
    '',
    chart,
    '',
    figureTables(results, plan),
    '',
    moreFigureTables(results, plan),
    '',
    ...(problems.length > 0 ? ['### Failures', '', ...problems, ''] : []),
    '## Method',
    '',
    '- **Contestants**, each started in the bench process on a random port of 127.0.0.1 and stopped after its figures ' +
      '(for figure 5, before the others, in a process of its own, one per part):',
    "  - **floor**: plain `node:http` writing the run's SSE frames, encoded once (`EventEncoder.encodeSSE`) and " +
      'reused, 64 frames per corked write, honouring backpressure: the limit of any Node server on this socket;',
    '  - **Express + `@ag-ui/encoder`**: a typical hand-written AG-UI server: `express.json()`, the events as an ' +
      'Observable, `encodeSSE` per event written straight to the response; persists nothing;',
    '  - **the bridge** (`createBridgeRuntime`, the wiring of `npm start`) with the scripted agent added, on a fresh ' +
      'migrated SQLite file; on a fresh PostgreSQL database `bench_<random>`; on PostgreSQL plus Redis (run lock, ' +
      'control channel and event bus on Redis under a key prefix of its own). Every event is logged before it is sent;',
    '  - **the bridge on SQLite with its event log in memory**: figure 6 only (persistence off);',
    "  - **CopilotKit's runtime** with its in-memory runner, when `BENCH_COPILOTKIT_DIR` names a folder where it is " +
      'installed (see below; skipped otherwise).',
    '- **The agent** (`bench/scripted-agent.ts`): no think time; each run is one synchronous burst of a fixed mix. ' +
      'On the wire every contestant sends the same events: `RUN_STARTED`, then cycles of a text message (start, 4 ' +
      'deltas, end), a tool call (start, 2 argument deltas, end, result) and a `STATE_DELTA` (12 events), then ' +
      "`RUN_FINISHED`. Before measuring, one run of each contestant is checked with `@ag-ui/client`'s `verifyEvents` " +
      'and compared event type by event type with the mix. The bridge also sends an `id: <seq>` line per event.',
    '- **The client** (`bench/client.ts`) runs in a forked process of its own (the machine has few cores: the ' +
      "client's parsing must not take the server's event loop) and uses node's `http` with keep-alive, not fetch. " +
      'It counts frames as they arrive without parsing JSON; a run counts only if it ends with `RUN_FINISHED` and ' +
      'has every event. Each run is on a new thread.',
    `- **Warm-up**: each contestant's figures (figure 5's processes: the sequential runs only) follow ${plan.warmup.runs} runs of ${plan.warmup.events} events` +
      (plan.warmup.steady
        ? ` and batches of ${plan.warmup.steady.concurrency} simultaneous runs of ${plan.warmup.steady.events} ` +
          `events until ${plan.warmup.steady.maxEvents} events or ${plan.warmup.steady.maxMs / 1000} s (the ` +
          "warm-up table: a server's cost per event falls for thousands of runs while V8 compiles its code)"
        : '') +
      '.',
    `- **Figures**: 1: one run of ${plan.single.events} events, ${plan.single.reps} times; 2: ${plan.startup.reps} runs of ${plan.startup.events} events one ` +
      'after the other, time from sending the request to receiving the bytes of `RUN_STARTED`; 3: batches of ' +
      `${plan.concurrency.levels.join(', ')} simultaneous runs of ${plan.concurrency.events} events ` +
      `(${plan.concurrency.optional.join(', ') || 'none'} more when the largest predicts it fits ` +
      `${plan.concurrency.budgetMs / 1000} s), ${plan.concurrency.reps} batches each, then ${plan.latency.reps} more ` +
      'with emit stamps for the latency per event (as in 2b, but a burst; before 2026-11-23 one batch, its p99 not ' +
      'comparable with these); 7: runs of ' +
      `${plan.growth.lengths.join(', ')} events (${growthRuns(plan.growth)}: a short length runs until ` +
      `${plan.growth.minEvents} events in all, at most 25 times)` +
      `${onceWhenAffordable(plan.growth.optional)} (within ${plan.growth.budgetMs / 1000} s).`,
    ...moreMethodLines(plan),
    '- **Statistics**: median and p99 by nearest rank; with fewer than 100 samples p99 is the maximum.',
    '',
    "## CopilotKit's runtime",
    '',
    ...copilotKitLines(results),
    '',
    '## Not measured yet',
    '',
    ...NOT_MEASURED,
    '',
    'Run it with `BENCH_COPILOTKIT_DIR=/tmp/ck npm run bench` (or `npx tsx bench/run.ts`); ' +
      '`--only=floor,express,copilotkit,bridge-sqlite,bridge-pg,bridge-pg-redis,bridge-sqlite-memlog` picks contestants, ' +
      '`--figures=5,6` measures only those figures, ' +
      '`--json=results.json` also writes the raw results, `--quick` shrinks every figure for a smoke test (a few ' +
      'minutes; its numbers are not worth publishing).',
    '',
  ].join('\n');
}
