import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createControlledAgent } from '../../fakes/controlled-agent.js';
import { eventsOf, openSse } from '../../fixtures/sse-client.js';
import { verifyAgui } from '../../fixtures/run-agent-verified.js';
import { startTestBridge, type TestBridge } from '../../fixtures/test-bridge.js';
import { runInput } from '../../fixtures/run-input.js';

let bridge: TestBridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

const input = (threadId: string, runId: string) => runInput(threadId, runId, 'hi');

describe('per-agent concurrency strategy', () => {
  it('enqueue: a second run waits for the active one, then runs; both streams are valid and in seq order', async () => {
    const agent = createControlledAgent('queued', { concurrency: 'enqueue' });
    bridge = await startTestBridge({ extraAgents: [agent] });
    const first = openSse(`${bridge.url}/agent/queued/run`, input('q', 'r1'));
    const run1 = await agent.nextRun();
    const second = openSse(`${bridge.url}/agent/queued/run`, input('q', 'r2'));
    const run2Started = agent.nextRun();
    let started2 = false;
    void run2Started.then(() => (started2 = true));

    // While run 1 is active, run 2 is queued (not refused, not started).
    run1.emit({ type: 'text_delta', delta: 'first' });
    await expect.poll(() => bridge!.runtime.runs.queued('q')).toBe(1);
    expect((await request(bridge.runtime.app).get('/threads/q')).body.queuedRuns).toBe(1);
    expect(started2).toBe(false);
    run1.complete();
    const firstFrames = await first.ended;

    const run2 = await run2Started;
    run2.emit({ type: 'text_delta', delta: 'second' });
    run2.complete();
    const secondFrames = await second.ended;
    expect(await second.status).toBe(200);
    await verifyAgui(eventsOf(firstFrames) as never);
    await verifyAgui(eventsOf(secondFrames) as never);
    expect(Number(secondFrames[0]?.id)).toBe(firstFrames.length + 1);
  });

  it('enqueue: waiting longer than BRIDGE_ENQUEUE_TIMEOUT_MS answers THREAD_BUSY', async () => {
    const agent = createControlledAgent('queued', { concurrency: 'enqueue' });
    bridge = await startTestBridge({ extraAgents: [agent], env: { BRIDGE_ENQUEUE_TIMEOUT_MS: '0' } });
    const first = openSse(`${bridge.url}/agent/queued/run`, input('q2', 'r1'));
    const run1 = await agent.nextRun();
    const refused = await request(bridge.runtime.app).post('/agent/queued/run').send(input('q2', 'r2'));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('THREAD_BUSY');
    run1.complete();
    await first.ended;
  });

  it('reject (the default) answers THREAD_BUSY at once', async () => {
    const agent = createControlledAgent();
    bridge = await startTestBridge({ extraAgents: [agent] });
    const first = openSse(`${bridge.url}/agent/controlled/run`, input('r', 'r1'));
    const run1 = await agent.nextRun();
    const refused = await request(bridge.runtime.app).post('/agent/controlled/run').send(input('r', 'r2'));
    expect(refused.body.error.code).toBe('THREAD_BUSY');
    run1.complete();
    await first.ended;
  });
});
