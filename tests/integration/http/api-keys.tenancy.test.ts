import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runInput } from '../../fixtures/run-input.js';
import { openSse } from '../../fixtures/sse-client.js';
import { startTestBridge, type TestBridge } from '../../fixtures/test-bridge.js';
import { openWs } from '../../fixtures/ws-client.js';

// Two tenants with a key each; tenant B must see none of tenant A's data, anywhere.
let bridge: TestBridge;
const A = { authorization: 'Bearer key-of-acme' };
const B = { authorization: 'Bearer key-of-globex' };

beforeAll(async () => {
  bridge = await startTestBridge({ env: { BRIDGE_API_KEYS: 'acme:key-of-acme, globex:key-of-globex' } });
  // Tenant A: a finished thread, and one waiting for an approval.
  await openSse(`${bridge.url}/agent/demo/run`, runInput('a-thread', 'r1'), A).ended;
  await openSse(`${bridge.url}/agent/demo/run`, runInput('a-refund', 'r1', 'refund please'), A).ended;
});
afterAll(() => bridge.close());

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${bridge.url}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as any };
};

describe('API keys', () => {
  it('leaves /health open and answers 401 UNAUTHORIZED everywhere else without a valid key', async () => {
    expect((await get('/health')).status).toBe(200);
    for (const path of [
      '/info',
      '/ready',
      '/threads',
      '/interrupts?status=pending',
      '/agent/demo/capabilities',
    ]) {
      const missing = await get(path);
      expect(missing, path).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
      expect((await get(path, { authorization: 'Bearer wrong' })).status, path).toBe(401);
      expect((await get(path, A)).status, path).toBe(200);
    }
    const run = await fetch(`${bridge.url}/agent/demo/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(runInput('x', 'r1')),
    });
    expect(run.status).toBe(401);
  });
});

describe('tenancy', () => {
  it("answers 404 to tenant B for every route of tenant A's thread", async () => {
    expect((await get('/threads/a-thread', A)).status).toBe(200);
    for (const path of ['', '/messages', '/state', '/events']) {
      const res = await get(`/threads/a-thread${path}`, B);
      expect(res, path).toMatchObject({ status: 404, body: { error: { code: 'THREAD_NOT_FOUND' } } });
    }
    const sse = openSse(`${bridge.url}/threads/a-thread/events`, undefined, B);
    expect(await sse.status).toBe(404);
    sse.close();
    const del = await fetch(`${bridge.url}/threads/a-thread`, { method: 'DELETE', headers: B });
    expect(del.status).toBe(404);
    const connect = await fetch(`${bridge.url}/agent/demo/connect`, {
      method: 'POST',
      headers: { ...B, 'content-type': 'application/json' },
      body: JSON.stringify({ threadId: 'a-thread' }),
    });
    expect(connect.status).toBe(404);
    const run = await fetch(`${bridge.url}/agent/demo/run`, {
      method: 'POST',
      headers: { ...B, 'content-type': 'application/json' },
      body: JSON.stringify(runInput('a-thread', 'r9')),
    });
    expect(run.status).toBe(404);
    const pause = await fetch(`${bridge.url}/agent/demo/pause/a-thread`, { method: 'POST', headers: B });
    expect(pause.status).toBe(404);
    expect(((await pause.json()) as any).error.code).toBe('THREAD_NOT_FOUND');
    expect((await get('/threads', B)).body.threads).toEqual([]);
    expect(
      (await get('/threads', A)).body.threads.map((t: { threadId: string }) => t.threadId).sort(),
    ).toEqual(['a-refund', 'a-thread']);
  });

  it("hides tenant A's interrupts from tenant B, who cannot resolve them", async () => {
    const mine = await get('/interrupts?status=pending', A);
    expect(mine.body.interrupts).toHaveLength(1);
    expect((await get('/interrupts?status=pending', B)).body.interrupts).toEqual([]);
    const resolve = await fetch(`${bridge.url}/interrupts/${mine.body.interrupts[0].id}/resolve`, {
      method: 'POST',
      headers: { ...B, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'cancelled' }),
    });
    expect(resolve.status).toBe(404);
    expect(((await resolve.json()) as any).error.code).toBe('INTERRUPT_NOT_FOUND');
  });

  it("applies keys to the WebSocket (header or ?token=) and hides other tenants' threads there", async () => {
    const wsUrl = `${bridge.url.replace('http', 'ws')}/ws`;
    const refused = await new Promise<number>((resolve) => {
      const socket = new WebSocket(wsUrl);
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
      socket.on('error', () => undefined);
    });
    expect(refused).toBe(401);
    const client = await openWs(`${wsUrl}?token=key-of-globex`);
    client.send({ type: 'subscribe', threadId: 'a-thread' });
    const error = await client.next((frame) => frame.type === 'error');
    expect(error).toMatchObject({ code: 'THREAD_NOT_FOUND' });
    client.close();
    const owner = await openWs(wsUrl, { headers: A });
    owner.send({ type: 'subscribe', threadId: 'a-thread' });
    const event = await owner.next((frame) => frame.type === 'event');
    expect(event).toMatchObject({ threadId: 'a-thread', seq: 1 });
    owner.close();
  });
});
