import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpAgent } from '@ag-ui/client';
import type { BaseEvent } from '@ag-ui/core';
import { json, post, startE2eCluster, until, type E2eCluster } from '../fixtures/e2e-cluster.js';
import { verifyAgui } from '../fixtures/run-agent-verified.js';
import { runInput } from '../fixtures/run-input.js';
import type { ServerProcess } from '../fixtures/server-process.js';
import { eventsOf, openSse } from '../fixtures/sse-client.js';

// Worker mode: a web instance that only accepts and streams, and a worker that executes runs from
// the BullMQ queue, as two `npm start` processes on one PostgreSQL database and one Redis.
let web: ServerProcess;
let worker: ServerProcess;

/** The process's pino log records (npm's own lines are skipped). */
function logRecords(server: ServerProcess): { msg?: string; runId?: string; role?: string }[] {
  return server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; runId?: string });
}

const executedBy = (server: ServerProcess, runId: string) =>
  logRecords(server).some((r) => r.msg === 'worker executing run' && r.runId === runId);

let cluster: E2eCluster;

beforeAll(async () => {
  cluster = await startE2eCluster([{ BRIDGE_ROLE: 'web' }, { BRIDGE_ROLE: 'worker' }], {
    BRIDGE_RUN_LOCK_TTL_MS: '1000',
    BRIDGE_DEMO_DELAY_MS: '150',
    LOG_LEVEL: 'info',
  });
  [web, worker] = cluster.servers as [ServerProcess, ServerProcess];
}, 120_000);

afterAll(() => cluster?.close());

describe('worker mode: web instance plus worker', () => {
  it('starts each process in its role; the worker serves probes only', async () => {
    expect(logRecords(web).find((r) => r.msg === 'bridge listening')?.role).toBe('web');
    expect(logRecords(worker).find((r) => r.msg === 'bridge listening')?.role).toBe('worker');
    expect(await json(`${worker.url}/ready`)).toEqual({
      status: 200,
      body: { status: 'ready', database: 'ok', redis: 'ok' },
    });
    expect((await post(`${worker.url}/agent/demo/run`, runInput('wm-none', 'r1'))).status).toBe(404);
  });

  it('streams through the web instance a run the worker executed, and logs it', async () => {
    const agent = new HttpAgent({
      url: `${web.url}/agent/demo/run`,
      threadId: 'wm-run',
      initialMessages: [{ id: 'u1', role: 'user', content: 'hello there' }],
    });
    const events: BaseEvent[] = [];
    const result = await agent.runAgent(
      { runId: 'wm-run-1' },
      { onEvent: ({ event }) => void events.push(event) },
    );
    expect(result.newMessages.length).toBeGreaterThan(0);
    await verifyAgui(events);
    expect(events.at(-1)?.type).toBe('RUN_FINISHED');

    const stored = await json(`${web.url}/threads/wm-run/events`);
    expect(stored.body.events.map((e: { event: BaseEvent }) => e.event)).toEqual(events);
    const thread = await json(`${web.url}/threads/wm-run`);
    expect(thread.body.runs).toMatchObject([{ runId: 'wm-run-1', status: 'success' }]);
    // The worker executed it; the web instance only queued it.
    expect(executedBy(worker, 'wm-run-1')).toBe(true);
    expect(executedBy(web, 'wm-run-1')).toBe(false);
    expect(logRecords(web).some((r) => r.msg === 'run queued for a worker' && r.runId === 'wm-run-1')).toBe(
      true,
    );
  }, 60_000);

  it('refuses a second run on a busy thread with 409, and stop through the web cancels it', async () => {
    const sse = openSse(`${web.url}/agent/demo/run`, runInput('wm-busy', 'r1'));
    await sse.waitFor((frames) => eventsOf(frames).some((e) => e.type === 'TEXT_MESSAGE_CONTENT'));
    const busy = await post(`${web.url}/agent/demo/run`, runInput('wm-busy', 'r2'));
    expect(busy).toMatchObject({ status: 409, body: { error: { code: 'THREAD_BUSY' } } });

    expect(await post(`${web.url}/agent/demo/stop/wm-busy`, {})).toEqual({
      status: 200,
      body: { stopped: true },
    });
    const events = eventsOf(await sse.ended);
    await verifyAgui(events as BaseEvent[]);
    expect(events.at(-1)).toMatchObject({ type: 'RUN_FINISHED', outcome: { type: 'cancelled' } });
    const thread = await until(
      () => json(`${web.url}/threads/wm-busy`),
      (t) => t.body.status === 'idle',
    );
    expect(thread.body.runs).toMatchObject([{ runId: 'r1', status: 'cancelled' }]);
    expect(executedBy(worker, 'r1')).toBe(true);
    expect(await post(`${web.url}/agent/demo/stop/wm-busy`, {})).toEqual({
      status: 200,
      body: { stopped: false },
    });
  }, 60_000);

  it('cancels the run on the worker when the client disconnects from the web instance', async () => {
    const sse = openSse(`${web.url}/agent/demo/run`, runInput('wm-leave', 'r1'));
    await sse.waitFor((frames) => eventsOf(frames).some((e) => e.type === 'TEXT_MESSAGE_CONTENT'));
    sse.close();
    const thread = await until(
      () => json(`${web.url}/threads/wm-leave`),
      (t) => t.body.status === 'idle',
    );
    expect(thread.body.runs).toMatchObject([{ runId: 'r1', status: 'cancelled' }]);
    const log = await json(`${web.url}/threads/wm-leave/events`);
    await verifyAgui(log.body.events.map((e: { event: BaseEvent }) => e.event));
  }, 60_000);

  it("refuses before any stream what the worker's run service refuses, with its code", async () => {
    const refused = await post(`${web.url}/agent/demo/run`, {
      ...runInput('wm-run', 'r-bad'),
      messages: [{ id: 'tool-1', role: 'tool', toolCallId: 'no-such-call', content: 'x' }],
    });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'UNKNOWN_TOOL_CALL_ID' } } });
  }, 60_000);

  it('continues on the worker an approval resolved through the web instance', async () => {
    const sse = openSse(`${web.url}/agent/demo/run`, runInput('wm-approve', 'r1', 'refund please'));
    const events = eventsOf(await sse.ended);
    await verifyAgui(events as BaseEvent[]);
    const [interrupt] = (
      events.at(-1) as unknown as { outcome: { interrupts: { id: string; toolCallId: string }[] } }
    ).outcome.interrupts;
    const resolved = await post(`${web.url}/interrupts/${interrupt!.id}/resolve`, {
      status: 'resolved',
      payload: { approved: true },
    });
    expect(resolved.status).toBe(202);
    const continuation = resolved.body.continuationRunId as string;
    expect(continuation).toEqual(expect.any(String));
    const thread = await until(
      () => json(`${web.url}/threads/wm-approve`),
      (t) => t.body.runs.length === 2 && t.body.status === 'idle',
    );
    expect(thread.body.runs[1]).toMatchObject({ runId: continuation, status: 'success' });
    const log = await json(`${web.url}/threads/wm-approve/events`);
    const results = log.body.events.filter(
      (e: { event: { type: string } }) => e.event.type === 'TOOL_CALL_RESULT',
    );
    expect(results.map((e: { event: { toolCallId: string } }) => e.event.toolCallId)).toEqual([
      interrupt!.toolCallId,
    ]);
    await verifyAgui(
      log.body.events
        .filter((e: { seq: number }) => e.seq > events.length)
        .map((e: { event: BaseEvent }) => e.event),
    );
    expect(executedBy(worker, continuation)).toBe(true);
    expect(executedBy(web, continuation)).toBe(false);
  }, 60_000);
});
