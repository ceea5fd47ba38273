import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createControlledAgent } from '../../fakes/controlled-agent.js';
import { eventsOf, openSse } from '../../fixtures/sse-client.js';
import { startTestBridge, type TestBridge } from '../../fixtures/test-bridge.js';
import { runInput } from '../../fixtures/run-input.js';

let bridge: TestBridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

const input = (threadId: string, runId: string) => runInput(threadId, runId, 'hi');

describe('threads read API', () => {
  it('lists threads newest first with a cursor', async () => {
    bridge = await startTestBridge();
    for (const id of ['a', 'b', 'c']) {
      await request(bridge.runtime.app)
        .post('/agent/demo/run')
        .send(input(`list-${id}`, `r-${id}`));
    }
    const page1 = await request(bridge.runtime.app).get('/threads?limit=2');
    expect(page1.status).toBe(200);
    expect(page1.body.threads.map((t: { threadId: string }) => t.threadId)).toEqual(['list-c', 'list-b']);
    expect(page1.body.threads[0]).toMatchObject({ agentId: 'demo', status: 'idle' });
    const page2 = await request(bridge.runtime.app).get(`/threads?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.threads.map((t: { threadId: string }) => t.threadId)).toEqual(['list-a']);
    expect(page2.body.nextCursor).toBeNull();
  });

  it('returns events after a sequence number', async () => {
    bridge = await startTestBridge();
    await request(bridge.runtime.app).post('/agent/demo/run').send(input('ev', 'r1'));
    const all = await request(bridge.runtime.app).get('/threads/ev/events');
    const after = await request(bridge.runtime.app).get('/threads/ev/events?after=5');
    expect(after.body.events).toEqual(all.body.events.slice(5));
    expect(after.body.events[0].seq).toBe(6);
    const bad = await request(bridge.runtime.app).get('/threads/ev/events?after=-1');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_INPUT');
  });

  it('answers THREAD_NOT_FOUND for an unknown thread on every read route', async () => {
    bridge = await startTestBridge();
    for (const path of ['', '/messages', '/state', '/events']) {
      const res = await request(bridge.runtime.app).get(`/threads/ghost${path}`);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('THREAD_NOT_FOUND');
    }
    const del = await request(bridge.runtime.app).delete('/threads/ghost');
    expect(del.body.error.code).toBe('THREAD_NOT_FOUND');
  });

  it('refuses a second concurrent run (THREAD_BUSY) and deleting a running thread, then deletes it', async () => {
    const agent = createControlledAgent();
    bridge = await startTestBridge({ extraAgents: [agent] });
    const sse = openSse(`${bridge.url}/agent/controlled/run`, input('busy', 'r1'));
    const run = await agent.nextRun();

    const second = await request(bridge.runtime.app).post('/agent/controlled/run').send(input('busy', 'r2'));
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('THREAD_BUSY');
    const running = await request(bridge.runtime.app).get('/threads/busy');
    expect(running.body.status).toBe('running');
    const refused = await request(bridge.runtime.app).delete('/threads/busy');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('THREAD_BUSY');

    run.emit({ type: 'text_delta', delta: 'ok' });
    run.complete();
    await sse.ended;
    const deleted = await request(bridge.runtime.app).delete('/threads/busy');
    expect(deleted.status).toBe(200);
    expect((await request(bridge.runtime.app).get('/threads/busy')).status).toBe(404);
    expect((await request(bridge.runtime.app).get('/threads/busy/events')).status).toBe(404);
  });

  it('stops an active run from another request: RUN_FINISHED outcome cancelled', async () => {
    const agent = createControlledAgent();
    bridge = await startTestBridge({ extraAgents: [agent] });
    const sse = openSse(`${bridge.url}/agent/controlled/run`, input('stoppable', 'r1'));
    const run = await agent.nextRun();
    run.emit({ type: 'text_delta', delta: 'thinking' });
    await sse.waitFor((f) => eventsOf(f).some((e) => e.type === 'TEXT_MESSAGE_CONTENT'));

    const stop = await request(bridge.runtime.app).post('/agent/controlled/stop/stoppable');
    expect(stop.body).toEqual({ stopped: true });
    const events = eventsOf(await sse.ended);
    expect(events.at(-1)).toMatchObject({ type: 'RUN_FINISHED', outcome: { type: 'cancelled' } });
    await run.unsubscribed;
    const again = await request(bridge.runtime.app).post('/agent/controlled/stop/stoppable');
    expect(again.body).toEqual({ stopped: false });
  });
});
