import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInput } from '../../fixtures/run-input.js';
import { eventsOf, openSse } from '../../fixtures/sse-client.js';
import { startTestBridge, type TestBridge } from '../../fixtures/test-bridge.js';
import { openWs } from '../../fixtures/ws-client.js';

// On the postgres-redis project the counters live in Redis; on sqlite, in the process.
const ACME = { authorization: 'Bearer key-acme' };
const GLOBEX = { authorization: 'Bearer key-globex' };
let bridge: TestBridge;

beforeAll(async () => {
  bridge = await startTestBridge({
    env: {
      BRIDGE_API_KEYS: 'acme:key-acme,globex:key-globex',
      BRIDGE_RATE_LIMIT_PER_MINUTE: '8',
      BRIDGE_RUN_RATE_LIMIT_PER_MINUTE: '2',
    },
  });
});
afterAll(() => bridge.close());

const get = (path: string, headers: Record<string, string> = ACME) =>
  fetch(`${bridge.url}${path}`, { headers });

function expectRateLimited(status: number, body: any, retryAfter: string | null): void {
  expect(status).toBe(429);
  expect(body.error.code).toBe('RATE_LIMITED');
  expect(body.error.message).toMatch(/Too many/);
  const seconds = body.error.details.retryAfterSeconds;
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(60);
  expect(retryAfter).toBe(String(seconds));
}

describe('rate limits', () => {
  it('limits runs per tenant over HTTP and WebSocket together, with 429 RATE_LIMITED', async () => {
    for (const thread of ['run-1', 'run-2']) {
      const frames = await openSse(`${bridge.url}/agent/demo/run`, runInput(thread, 'r1'), ACME).ended;
      expect(eventsOf(frames).at(-1)?.type).toBe('RUN_FINISHED');
    }
    const third = await fetch(`${bridge.url}/agent/demo/run`, {
      method: 'POST',
      headers: { ...ACME, 'content-type': 'application/json' },
      body: JSON.stringify(runInput('run-3', 'r1')),
    });
    expectRateLimited(third.status, await third.json(), third.headers.get('retry-after'));
    const ws = await openWs(`${bridge.url.replace('http', 'ws')}/ws`, { headers: ACME });
    ws.send({ type: 'run', agentId: 'demo', input: runInput('run-4', 'r1') });
    const refused = await ws.next((frame) => frame.type === 'error');
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', requestType: 'run', threadId: 'run-4' });
    ws.close();
    // Another tenant has windows of its own.
    const other = await openSse(`${bridge.url}/agent/demo/run`, runInput('g-run', 'r1'), GLOBEX).ended;
    expect(eventsOf(other).at(-1)?.type).toBe('RUN_FINISHED');
  });

  it('limits every request per tenant, answers 429 with Retry-After, and never limits /health', async () => {
    // acme used 3 requests above (the third run was refused by the run limit after counting here).
    let status = 200;
    let sent = 0;
    while (status === 200 && sent < 20) {
      const res = await get('/threads');
      status = res.status;
      sent += 1;
      if (status === 429) expectRateLimited(status, await res.json(), res.headers.get('retry-after'));
    }
    expect(status).toBe(429);
    expect(sent).toBe(8 - 3 + 1);
    expect((await get('/threads', GLOBEX)).status).toBe(200);
    for (let i = 0; i < 12; i++) expect((await get('/health', {})).status).toBe(200);
  });
});
