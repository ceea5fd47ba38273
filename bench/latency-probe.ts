/**
 * Where figure 2b's latency comes from, on the bridge alone:
 * `npx tsx bench/latency-probe.ts [reps] [runs]` (default 3 repetitions of 100 paced runs), on
 * SQLite, or with `PROBE_BACKEND=postgres` (or `postgres-redis`) on a throwaway PostgreSQL database.
 *
 * Each repetition is figure 2b's batch (runs of 200 events, one every 20 ms, all started at once)
 * and prints the latency per event split by position in the run (a run's first stamped event,
 * its last five, the rest: starts and ends of 100 runs come in bursts), the event loop's stalls
 * (`monitorEventLoopDelay`, and every stall over `GAP_MS`, default 10, as start+length in ms from
 * the batch start), garbage collections, and the CPU time of each thread of the process (the
 * main thread, libuv's pool, the WAL checkpointer). After it comes figure 3's batch (the same runs
 * without pacing: events/s). `PROFILE_OUT=file.cpuprofile` also profiles the repetitions (not the
 * warm-up) through the inspector.
 *
 * Two more lines split the latency: the server's own part (emit → its `res.write` of the frame,
 * read by wrapping `ServerResponse.prototype.write` in this process; the rest is the socket, the
 * kernel and the load client), for all events and for those at or above the p99, and when those
 * were emitted (counts by 50 ms from the batch start, to set beside the stalls and the
 * collections over 2 ms).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ServerResponse } from 'node:http';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { eventsOnWire } from './event-mix.js';
import { measure } from './figures.js';
import { startLoadClient } from './load-driver.js';
import { preciseNow } from './run-shape.js';
import { startBridgeServer, type BridgeBackend } from './servers/bridge-server.js';
import { median, quantile } from './stats.js';

const REPS = Number(process.argv[2] ?? 3);
const RUNS = Number(process.argv[3] ?? 100);
const EVENTS = 200;
const INTERVAL_MS = 20;
const GAP_MS = Number(process.env.GAP_MS ?? 10);
/** Clock ticks per second of /proc/<pid>/task/<tid>/stat (USER_HZ, 100 on Linux). */
const TICK_MS = 10;

/** CPU milliseconds of each thread of this process, by thread id (Linux). */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    out.set(tid, (Number(fields[11]) + Number(fields[12])) * TICK_MS);
  }
  return out;
}

const BACKENDS: readonly BridgeBackend[] = ['sqlite', 'postgres', 'postgres-redis'];
const backend = (process.env.PROBE_BACKEND ?? 'sqlite') as BridgeBackend;
if (!BACKENDS.includes(backend)) throw new Error(`PROBE_BACKEND must be one of ${BACKENDS.join(', ')}`);

const ms = (value: number): string => value.toFixed(1);

/** When the server wrote each stamped frame, by its stamp, while `serverSide` is set. */
let serverSide: Map<string, number> | undefined;
const STAMPS = /emit@(\d+(?:\.\d+)?)/g;
const write = ServerResponse.prototype.write;
ServerResponse.prototype.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
  if (serverSide && typeof chunk === 'string') {
    const now = preciseNow();
    for (const match of chunk.matchAll(STAMPS)) serverSide.set(match[1]!, now);
  }
  return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
} as typeof write;

const client = startLoadClient();
const server = await startBridgeServer(backend);
const session = new Session();
try {
  await measure(client, server.url, { events: 2000, reps: 5, concurrency: 1, timeoutMs: 60_000 });
  const probe = await client.probeClock();
  const profileOut = process.env.PROFILE_OUT;
  if (profileOut) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  for (let rep = 0; rep < REPS; rep++) {
    const loop = monitorEventLoopDelay({ resolution: 1 });
    const gcs: number[] = [];
    const longGcs: string[] = [];
    const gc = new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => {
        gcs.push(e.duration);
        if (e.duration > 2) longGcs.push(`${(e.startTime - started).toFixed(0)}+${ms(e.duration)}`);
      }),
    );
    gc.observe({ entryTypes: ['gc'] });
    const stalls: string[] = [];
    const started = performance.now();
    let last = started;
    const ticker = setInterval(() => {
      const now = performance.now();
      if (now - last > GAP_MS) stalls.push(`${(last - started).toFixed(0)}+${(now - last).toFixed(0)}`);
      last = now;
    }, 1);
    const cpuBefore = threadCpu();
    loop.enable();
    serverSide = new Map();
    const batch = await client.run({
      baseUrl: server.url,
      events: EVENTS,
      intervalMs: INTERVAL_MS,
      concurrency: RUNS,
      timeoutMs: 60_000,
      latency: probe,
    });
    loop.disable();
    clearInterval(ticker);
    gc.disconnect();
    const written = serverSide;
    serverSide = undefined;
    const good = batch.runs.filter((r) => r.ok && r.events === eventsOnWire(EVENTS));
    const all = good.flatMap((r) => r.latenciesMs ?? []);
    const first = good.map((r) => r.latenciesMs?.[0] ?? Number.NaN);
    const last5 = good.flatMap((r) => r.latenciesMs?.slice(-5) ?? []);
    const middle = good.flatMap((r) => r.latenciesMs?.slice(1, -5) ?? []);
    const p99 = quantile(all, 0.99);
    // Each stamped event's latency split at the server's write: its part, and the rest after it.
    const split = good.flatMap((r) =>
      (r.latenciesMs ?? []).flatMap((latency, i) => {
        const emitted = r.emitsMs![i]!;
        const at = written.get(emitted.toFixed(3));
        return at === undefined
          ? []
          : [{ latency, emitted, server: at - emitted, after: latency - (at - emitted) }];
      }),
    );
    const serverPart = split.map((e) => e.server);
    const slow = split.filter((e) => e.latency >= p99);
    const slowAt = new Map<number, number>();
    const batchStart = performance.timeOrigin + started;
    for (const { emitted } of slow) {
      const at = Math.floor((emitted - batchStart) / 50) * 50;
      slowAt.set(at, (slowAt.get(at) ?? 0) + 1);
    }
    const cpu = [...threadCpu()]
      .map(
        ([tid, total]) =>
          [tid === String(process.pid) ? 'main' : tid, total - (cpuBefore.get(tid) ?? 0)] as const,
      )
      .filter(([, used]) => used > 0);
    console.log(
      [
        `rep ${rep + 1}: ${all.length} samples, ${batch.runs.length - good.length} failed runs; ` +
          `latency ms median ${ms(median(all))} p99 ${ms(p99)} p99.9 ${ms(quantile(all, 0.999))}`,
        `  first event median ${ms(median(first))} p90 ${ms(quantile(first, 0.9))}; last five p99 ` +
          `${ms(quantile(last5, 0.99))}; the rest median ${ms(median(middle))} p99 ${ms(quantile(middle, 0.99))}`,
        `  server's part (emit → res.write) ms: median ${median(serverPart).toFixed(2)} p99 ` +
          `${quantile(serverPart, 0.99).toFixed(2)} p99.9 ${quantile(serverPart, 0.999).toFixed(2)}; ` +
          `the events at or above the p99: server's part median ${median(slow.map((e) => e.server)).toFixed(2)}, ` +
          `after the write median ${median(slow.map((e) => e.after)).toFixed(2)}`,
        `  events at or above the p99, emitted at (ms from the batch start: count): ` +
          [...slowAt]
            .sort((a, b) => a[0] - b[0])
            .map(([at, count]) => `${at}: ${count}`)
            .join(', '),
        `  loop delay ms mean ${ms(loop.mean / 1e6)} p99 ${ms(loop.percentile(99) / 1e6)} max ${ms(loop.max / 1e6)}; ` +
          `stalls over ${GAP_MS} ms: ${stalls.join(' ') || 'none'}`,
        `  gc: ${gcs.length}, ${ms(gcs.reduce((a, b) => a + b, 0))} ms, longest ${ms(Math.max(0, ...gcs))} ms ` +
          `(over 2 ms, start+length: ${longGcs.join(' ') || 'none'}); ` +
          `thread CPU ms: ${cpu.map(([tid, used]) => `${tid} ${used}`).join(', ')}`,
      ].join('\n'),
    );
    const burst = await measure(client, server.url, {
      events: EVENTS,
      concurrency: RUNS,
      reps: 1,
      timeoutMs: 60_000,
    });
    console.log(
      `  ${RUNS} runs without pacing: ${burst.eventsPerSec.map((rate) => rate.toFixed(0)).join(', ') || '-'} ` +
        `events/s, ${burst.failed} failed runs`,
    );
  }
  if (profileOut) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(profileOut, JSON.stringify(profile));
    console.log(`profile written to ${profileOut}`);
  }
} finally {
  session.disconnect();
  client.close();
  await server.close();
}
