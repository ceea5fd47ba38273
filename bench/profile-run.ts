/**
 * Profiles the bridge (SQLite) on `RUNS` runs of `EVENTS_PER_RUN` events:
 * `node --import tsx bench/profile-run.ts 20000 8`. The first `WARM` runs (env, default 2) warm up;
 * the others are profiled through the inspector, so start-up and migrations stay out of the
 * profile, which goes to `PROFILE_OUT` (default ./runs.cpuprofile; open it in Chrome DevTools).
 * Each run also prints its CPU time (client included), steadier than wall time on a busy machine.
 * `CONCURRENCY=100` starts that many runs together in each repetition (figure 3's batch).
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createBridgeRuntime } from '../src/bridge-runtime.js';
import { loadConfig } from '../src/config.js';
import { countFrames, runInput } from './client.js';
import { BENCH_AGENT_ID, createScriptedAgent } from './scripted-agent.js';

const EVENTS_PER_RUN = Number(process.argv[2] ?? 5000);
const RUNS = Number(process.argv[3] ?? 5);
/** Runs started together in each repetition (env, default 1): figure 3's batch is 100 of 200 events. */
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 1);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

const dir = mkdtempSync(path.join(tmpdir(), 'profile-'));
const url = `file:${path.join(dir, 'p.db')}`;
execFileSync('npx', ['prisma', 'migrate', 'deploy'], {
  env: { ...process.env, DATABASE_URL: url },
  stdio: 'ignore',
});
const runtime = await createBridgeRuntime(
  loadConfig({ DATABASE_URL: url, BRIDGE_RATE_LIMIT_PER_MINUTE: '0', BRIDGE_RUN_RATE_LIMIT_PER_MINUTE: '0' }),
  {
    logger: pino({ level: 'silent' }),
    extraAgents: [createScriptedAgent()],
  },
);
const server = runtime.app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const { port } = server.address() as { port: number };

const session = new Session();
session.connect();
await session.post('Profiler.enable');
const WARM = Number(process.env.WARM ?? 2);
for (let run = 0; run < RUNS; run++) {
  if (run === WARM) await session.post('Profiler.start');
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  // The suite's own scripted agent and event mix (bench/event-mix.ts), as one burst.
  const runOnce = (): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      const body = runInput({ events: EVENTS_PER_RUN, intervalMs: 0 });
      const req = http.request({
        port,
        host: '127.0.0.1',
        path: `/agent/${BENCH_AGENT_ID}/run`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        agent,
      });
      req.on('response', (res) => {
        // Counted in the bytes, as the load client does: a string per frame would put the client's
        // garbage in the server's profile.
        let count = 0;
        let last = 0;
        res.on('data', (chunk: Buffer) => {
          count += countFrames(chunk, last);
          last = chunk[chunk.length - 1] ?? last;
        });
        res.on('end', () => resolve(count));
      });
      req.on('error', reject);
      req.end(body);
    });
  const counts = await Promise.all(Array.from({ length: CONCURRENCY }, runOnce));
  const frames = counts.reduce((sum, n) => sum + n, 0);
  const ms = performance.now() - started;
  const c = process.cpuUsage(cpu0);
  const cpuMs = (c.user + c.system) / 1000;
  console.log(`cpu ${cpuMs.toFixed(0)} ms = ${((frames / cpuMs) * 1000).toFixed(0)} events/cpu-s`);
  console.log(
    `run ${run}: ${frames} events in ${ms.toFixed(0)} ms = ${((frames / ms) * 1000).toFixed(0)} events/s`,
  );
}
const { profile } = await session.post('Profiler.stop');
writeFileSync(process.env.PROFILE_OUT ?? 'runs.cpuprofile', JSON.stringify(profile));
agent.destroy();
await runtime.close();
server.close();
