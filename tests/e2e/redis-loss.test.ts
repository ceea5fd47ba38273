import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { BaseEvent } from '@ag-ui/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresTestDatabase, type PostgresTestDatabase } from '../fixtures/postgres-database.js';
import { freePort, signalGroup, startServerProcess, type ServerProcess } from '../fixtures/server-process.js';
import { verifyAgui } from '../fixtures/run-agent-verified.js';
import { runInput } from '../fixtures/run-input.js';
import { eventsOf, openSse } from '../fixtures/sse-client.js';

// One bridge in multi-instance mode (PostgreSQL + Redis) whose Redis dies mid-run and comes back.
// The Redis is a private redis-server on a port of its own: the shared one on 6379 is never touched.
let database: PostgresTestDatabase;
let redisPort: number;
let redis: ChildProcess | undefined;
let redisOutput = '';
let server: ServerProcess;

async function json(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

/** Polls `read` until `done` holds; fails with the last value seen after `timeoutMs`. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}\n` +
      `server output:\n${server?.output()}`,
  );
}

/** Rejects after `ms` with the server's output, so a hanging stream fails with a diagnosis. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not happen within ${ms} ms\nserver output:\n${server?.output()}`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function redisAlive(): boolean {
  return redis !== undefined && redis.exitCode === null && redis.signalCode === null;
}

/** Starts redis-server on `redisPort` (no persistence) and resolves once it accepts connections. */
async function startRedis(): Promise<void> {
  const child = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  redis = child;
  child.stdout?.on('data', (d: Buffer) => (redisOutput += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (redisOutput += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => (redisOutput.includes('Ready to accept connections') ? resolve() : undefined);
    child.stdout?.on('data', check);
    child.on('exit', (code, signal) =>
      reject(new Error(`redis-server exited (${code ?? signal}) before it was ready:\n${redisOutput}`)),
    );
    check();
  });
  await within(ready, 10_000, 'redis-server start');
}

/** SIGKILLs the private redis-server and waits until it is gone. */
async function killRedis(): Promise<void> {
  const child = redis;
  if (!child || !redisAlive()) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  redisPort = await freePort();
  await startRedis();
  server = await startServerProcess({
    DATABASE_URL: database.url,
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    BRIDGE_REDIS_PREFIX: `bridge-redis-loss-${randomUUID().slice(0, 8)}:`,
    BRIDGE_RUN_LOCK_TTL_MS: '600',
    BRIDGE_DEMO_DELAY_MS: '150',
  });
}, 120_000);

afterAll(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    signalGroup(server, 'SIGTERM');
    await server.exited;
  }
  await killRedis();
  await database?.drop();
}, 60_000);

describe('one instance losing its Redis mid-run', () => {
  it('ends the run with RUN_ERROR, reports not ready, records the failure, and recovers when Redis returns', async () => {
    expect(await json(`${server.url}/ready`)).toEqual({
      status: 200,
      body: { status: 'ready', database: 'ok', redis: 'ok' },
    });

    const sse = openSse(`${server.url}/agent/demo/run`, runInput('rl-lost', 'r1'));
    await within(
      sse.waitFor((frames) => eventsOf(frames).some((e) => e.type === 'TEXT_MESSAGE_CONTENT')),
      10_000,
      'the first TEXT_MESSAGE_CONTENT',
    );
    await killRedis();

    // The stream must end (not hang) and end with RUN_ERROR (not a silent RUN_FINISHED).
    const frames = await within(sse.ended, 20_000, 'the end of the run stream');
    expect(await sse.status).toBe(200);
    const events = eventsOf(frames);
    const terminal = events.at(-1);
    expect(terminal, `events: ${events.map((e) => e.type).join(', ')}\n${server.output()}`).toMatchObject({
      type: 'RUN_ERROR',
      code: 'INTERNAL_ERROR',
      message: 'Lost the run lock: Redis is unreachable',
    });
    // A valid AG-UI stream: what was open is closed before the one terminal event.
    await verifyAgui(events as unknown as BaseEvent[]);
    expect(events.filter((e) => e.type === 'RUN_FINISHED' || e.type === 'RUN_ERROR')).toHaveLength(1);

    // While Redis is down the instance says so, and PostgreSQL still holds the failed run.
    expect(redisAlive()).toBe(false);
    const notReady = await until(
      () => json(`${server.url}/ready`),
      (r) => r.status === 503,
    );
    expect(notReady.body).toEqual({ status: 'not_ready', database: 'ok', redis: 'unreachable' });
    const thread = await until(
      () => json(`${server.url}/threads/rl-lost`),
      (t) => t.status === 200 && t.body.status === 'idle',
    );
    expect(thread.body.runs).toHaveLength(1);
    expect(thread.body.runs[0]).toMatchObject({
      runId: 'r1',
      status: 'error',
      error: { code: 'INTERNAL_ERROR' },
    });
    const log = await json(`${server.url}/threads/rl-lost/events`);
    expect(log.body.events.at(-1).event).toMatchObject({ type: 'RUN_ERROR', code: 'INTERNAL_ERROR' });

    // Redis comes back on the same port: the instance reconnects and runs again.
    await startRedis();
    const ready = await until(
      () => json(`${server.url}/ready`),
      (r) => r.status === 200,
    );
    expect(ready.body).toEqual({ status: 'ready', database: 'ok', redis: 'ok' });
    const again = openSse(`${server.url}/agent/demo/run`, runInput('rl-after', 'r1'));
    const after = eventsOf(await within(again.ended, 20_000, 'the run after recovery'));
    expect(await again.status, again.raw()).toBe(200);
    await verifyAgui(after as unknown as BaseEvent[]);
    expect(after.at(-1), `${again.raw()}\n${server.output()}`).toMatchObject({ type: 'RUN_FINISHED' });
    expect(await json(`${server.url}/threads/rl-after`)).toMatchObject({
      status: 200,
      body: { status: 'idle', runs: [{ runId: 'r1', status: 'success' }] },
    });
  }, 60_000);
});
