import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, post, startE2eCluster, until, type E2eCluster } from '../fixtures/e2e-cluster.js';
import { signalGroup, type ServerProcess } from '../fixtures/server-process.js';
import { eventsOf, openSse } from '../fixtures/sse-client.js';
import { runInput } from '../fixtures/run-input.js';

// Two bridges as separate processes on two ports, sharing one PostgreSQL database and one Redis.
let a: ServerProcess;
let b: ServerProcess;

const input = runInput;

let cluster: E2eCluster;

beforeAll(async () => {
  cluster = await startE2eCluster([{}, {}], { BRIDGE_RUN_LOCK_TTL_MS: '1000', BRIDGE_DEMO_DELAY_MS: '150' });
  [a, b] = cluster.servers as [ServerProcess, ServerProcess];
}, 120_000);

afterAll(() => cluster?.close());

describe('two instances on PostgreSQL and Redis', () => {
  it('reports both dependencies ready', async () => {
    expect(await json(`${a.url}/ready`)).toEqual({
      status: 200,
      body: { status: 'ready', database: 'ok', redis: 'ok' },
    });
  });

  it('refuses a second run on B while A runs the thread, and B stops the run on A', async () => {
    const sse = openSse(`${a.url}/agent/demo/run`, input('mi-busy', 'r1'));
    await sse.waitFor((frames) => eventsOf(frames).some((e) => e.type === 'TEXT_MESSAGE_CONTENT'));
    const busy = await post(`${b.url}/agent/demo/run`, input('mi-busy', 'r2'));
    expect(busy).toMatchObject({ status: 409, body: { error: { code: 'THREAD_BUSY' } } });

    expect(await post(`${b.url}/agent/demo/stop/mi-busy`, {})).toEqual({
      status: 200,
      body: { stopped: true },
    });
    const events = eventsOf(await sse.ended);
    expect(events.at(-1)).toMatchObject({ type: 'RUN_FINISHED', outcome: { type: 'cancelled' } });
    expect(await post(`${b.url}/agent/demo/stop/mi-busy`, {})).toEqual({
      status: 200,
      body: { stopped: false },
    });
  }, 60_000);

  it('follows on B, with no gap and no duplicate, a run executing on A', async () => {
    const run = openSse(`${a.url}/agent/demo/run`, input('mi-follow', 'r1'));
    await run.waitFor((frames) => eventsOf(frames).some((e) => e.type === 'TEXT_MESSAGE_CONTENT'));
    const follower = openSse(`${b.url}/threads/mi-follow/events`);
    const followed = await follower.waitFor((frames) =>
      eventsOf(frames).some((e) => e.type === 'RUN_FINISHED'),
    );
    follower.close();
    const direct = await run.ended;
    expect(followed.filter((f) => f.data).map((f) => [f.id, f.data])).toEqual(
      direct.map((f) => [f.id, f.data]),
    );
  }, 60_000);

  it('resumes on B a run interrupted on A when the approval is resolved on B', async () => {
    const sse = openSse(`${a.url}/agent/demo/run`, input('mi-approve', 'r1', 'refund please'));
    const frames = await sse.ended;
    if ((await sse.status) !== 200) throw new Error(`run answered ${await sse.status}: ${sse.raw()}`);
    const events = eventsOf(frames);
    const [interrupt] = (
      events.at(-1) as unknown as { outcome: { interrupts: { id: string; toolCallId: string }[] } }
    ).outcome.interrupts;
    const resolved = await post(`${b.url}/interrupts/${interrupt!.id}/resolve`, {
      status: 'resolved',
      payload: { approved: true },
    });
    expect(resolved.status).toBe(202);
    const thread = await until(
      () => json(`${a.url}/threads/mi-approve`),
      (t) => t.body.runs.length === 2 && t.body.status === 'idle',
    );
    expect(thread.body.runs[1]).toMatchObject({ runId: resolved.body.continuationRunId, status: 'success' });
    const log = await json(`${a.url}/threads/mi-approve/events`);
    const results = log.body.events.filter(
      (e: { event: { type: string } }) => e.event.type === 'TOOL_CALL_RESULT',
    );
    expect(results.map((e: { event: { toolCallId: string } }) => e.event.toolCallId)).toEqual([
      interrupt!.toolCallId,
    ]);
  }, 60_000);

  it('releases a thread whose instance was SIGKILLed mid-run and records the failure', async () => {
    const sse = openSse(`${a.url}/agent/demo/run`, input('mi-crash', 'r1'));
    await sse.waitFor((frames) => eventsOf(frames).some((e) => e.type === 'TEXT_MESSAGE_CONTENT'));
    const follower = openSse(`${b.url}/threads/mi-crash/events`);
    await follower.waitFor((frames) => eventsOf(frames).some((e) => e.type === 'TEXT_MESSAGE_CONTENT'));
    signalGroup(a, 'SIGKILL');
    await a.exited;

    const thread = await until(
      () => json(`${b.url}/threads/mi-crash`),
      (t) => t.body.status === 'idle',
    );
    expect(thread.body.runs[0]).toMatchObject({ status: 'error', error: { code: 'INTERNAL_ERROR' } });
    const log = await json(`${b.url}/threads/mi-crash/events`);
    expect(log.body.events.at(-1).event).toMatchObject({
      type: 'RUN_ERROR',
      code: 'INTERNAL_ERROR',
      message: expect.stringContaining('died'),
    });
    const again = eventsOf(await openSse(`${b.url}/agent/demo/run`, input('mi-crash', 'r2')).ended);
    expect(again.at(-1)?.type).toBe('RUN_FINISHED');
  }, 60_000);
});
