import http from 'node:http';
import type { Message } from '@ag-ui/core';
import { performance } from 'node:perf_hooks';
import { requestRun, type RunResult } from './client.js';
import type { LatencyProbe } from './latency.js';
import { preciseNow } from './run-shape.js';
import { median, p99 } from './stats.js';
import { followConnect, followSse, followWs, type SubscriberResult } from './subscriber-client.js';

/**
 * The load client's process (forked by `startLoadClient`): it runs on its own core, so parsing
 * the streams does not take event-loop time from the server under test.
 */

/** A batch of simultaneous runs against one server. */
export interface RunsJob {
  kind: 'runs';
  baseUrl: string;
  events: number;
  /** Runs started at once (bounded by `MAX_CONCURRENCY`). */
  concurrency: number;
  timeoutMs: number;
  intervalMs?: number;
  /** Each run holds after this many events until the server's gate opens (memory figure). */
  holdAfter?: number;
  /** Continue this thread (one run only: a thread has one active run). */
  threadId?: string;
  latency?: LatencyProbe;
}

/** How a subscriber follows a thread: the bridge's SSE feed or WebSocket, or AG-UI's connect. */
export type FanoutTransport = 'sse' | 'ws' | 'connect';

/** `count` live subscribers of one thread, from `after`, until `RUN_FINISHED` (or `release`). */
export interface SubscribeJob {
  kind: 'subscribe';
  baseUrl: string;
  transport: FanoutTransport;
  threadId: string;
  after: number;
  count: number;
  timeoutMs: number;
  latency?: LatencyProbe;
  idle?: boolean;
}

/** Any job of the load client. */
export type LoadJob = RunsJob | SubscribeJob;

/** What a batch of runs measured. */
export interface BatchResult {
  /** From starting the first run to the end of the last, in ms. */
  wallMs: number;
  runs: RunResult[];
}

/** What a group of subscribers measured (summarised here: 1000 subscribers x 1000 events is a lot). */
export interface FanoutResult {
  /** From the last subscriber being in place to the last one done, in ms. */
  wallMs: number;
  subscribers: number;
  ok: number;
  /** Fewest and most events one subscriber received. */
  minEvents: number;
  maxEvents: number;
  totalEvents: number;
  latency: { count: number; medianMs: number; p99Ms: number };
  errors: string[];
}

/** Messages the driver sends: a job, the release of an idle job, or a clock probe. */
export type DriverMessage =
  (LoadJob & { id: number }) | { kind: 'release'; id: number } | { kind: 'clock'; id: number };

/** The most simultaneous runs or subscribers one job may start. */
export const MAX_CONCURRENCY = 2000;

const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_CONCURRENCY });
/** Subscribers hold their connection for good: each opens its own, as a browser's EventSource does. */
const subscriberAgent = new http.Agent({ keepAlive: false, maxSockets: MAX_CONCURRENCY });
const releases = new Map<number, () => void>();
/** The conversation of each thread runs continue (`RunsJob.threadId`), sent with its next run. */
const histories = new Map<string, Message[]>();

/** The conversation so far of a thread the job continues (kept across jobs), if it continues one. */
function historyOf(job: RunsJob): { history?: Message[] } {
  if (!job.threadId) return {};
  let history = histories.get(job.threadId);
  if (!history) histories.set(job.threadId, (history = []));
  return { history };
}

/** Starts `concurrency` runs at once and waits for all of them; `onStarted` once all sent `RUN_STARTED`. */
export async function runBatch(job: RunsJob, onStarted?: () => void): Promise<BatchResult> {
  const count = Math.min(Math.max(1, job.concurrency), MAX_CONCURRENCY);
  let started = 0;
  const start = performance.now();
  const runs = await Promise.all(
    Array.from({ length: count }, () =>
      requestRun({
        ...job,
        ...historyOf(job),
        agent,
        onRunStarted: () => {
          if (++started === count) onStarted?.();
        },
      }),
    ),
  );
  return { wallMs: performance.now() - start, runs };
}

/** Opens the subscribers, reports when all are in place, and waits for them to finish (or a release). */
export async function subscribeBatch(
  job: SubscribeJob & { id: number },
  onReady: () => void,
): Promise<FanoutResult> {
  const count = Math.min(Math.max(1, job.count), MAX_CONCURRENCY);
  const follow = { sse: followSse, ws: followWs, connect: followConnect }[job.transport];
  let open = 0;
  let readyAt = 0;
  const subscribers = Array.from({ length: count }, () =>
    follow({
      ...job,
      agent: subscriberAgent,
      onOpen: () => {
        if (++open !== count) return;
        readyAt = performance.now();
        onReady();
      },
    }),
  );
  if (job.idle) releases.set(job.id, () => subscribers.forEach((s) => s.close()));
  const results = await Promise.all(subscribers.map((s) => s.done));
  releases.delete(job.id);
  return summarise(results, performance.now() - readyAt);
}

function summarise(results: SubscriberResult[], wallMs: number): FanoutResult {
  const counts = results.map((r) => r.events);
  const latencies = results.flatMap((r) => r.latenciesMs);
  const errors = [...new Set(results.flatMap((r) => (r.error ? [r.error] : [])))].slice(0, 5);
  return {
    wallMs,
    subscribers: results.length,
    ok: results.filter((r) => r.ok).length,
    minEvents: Math.min(...counts),
    maxEvents: Math.max(...counts),
    totalEvents: counts.reduce((a, b) => a + b, 0),
    latency: { count: latencies.length, medianMs: median(latencies), p99Ms: p99(latencies) },
    errors,
  };
}

function handle(message: DriverMessage): void {
  const reply = (body: object): void => void process.send?.({ id: message.id, ...body });
  const fail = (error: unknown): void => reply({ error: String(error) });
  if (message.kind === 'clock') reply({ now: preciseNow() });
  else if (message.kind === 'release') releases.get(message.id)?.();
  else if (message.kind === 'runs')
    runBatch(message, () => reply({ ready: true })).then((result) => reply({ result }), fail);
  else subscribeBatch(message, () => reply({ ready: true })).then((result) => reply({ result }), fail);
}

if (process.send) {
  process.on('message', handle);
  // The parent went away: nothing more to do.
  process.on('disconnect', () => process.exit(0));
}
