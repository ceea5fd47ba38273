import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentClient,
  getJson,
  runUntilApproval,
  startLlmBridge,
  type LlmBridge,
  settledThread,
} from '../../fixtures/llm-bridge.js';
import { openSse } from '../../fixtures/sse-client.js';
import { openWs } from '../../fixtures/ws-client.js';

// The clock is the test's: interrupt ages are exact.
let clock = Date.parse('2026-11-22T10:00:00Z');
let env: LlmBridge;
beforeAll(async () => {
  env = await startLlmBridge({ now: () => clock });
});
afterAll(() => env.close());

async function scrape(): Promise<string> {
  return (await fetch(`${env.bridge.url}/metrics`)).text();
}

/** The value of one sample of the Prometheus text format (0 when absent: a counter never moved). */
function sample(text: string, line: string): number {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? 0 : Number(found.slice(line.length + 1));
}

describe('GET /metrics after scripted runs', () => {
  it('times each LLM request and counts its tokens by model and kind', async () => {
    const usage = {
      prompt_tokens: 100,
      completion_tokens: 20,
      total_tokens: 120,
      prompt_tokens_details: { cached_tokens: 30 },
      completion_tokens_details: { reasoning_tokens: 4 },
    };
    env.llm.push(
      { model: 'm-1', toolCalls: [{ id: 'c1', name: 'lookup_order', arguments: '{"id":"1"}' }], usage },
      { model: 'm-1', text: ['Shipped'], usage },
    );
    await agentClient(env.bridge.url, 'assistant', 'llm-metrics', [
      { id: 'u1', role: 'user', content: 'Where is 1?' },
    ]).run();
    const text = await scrape();
    const calls =
      'bridge_llm_request_duration_seconds_count{agent="assistant",model="gpt-test",outcome="success"}';
    expect(sample(text, calls)).toBe(2);
    expect(sample(text, 'bridge_llm_tokens_total{model="m-1",kind="input"}')).toBe(200);
    expect(sample(text, 'bridge_llm_tokens_total{model="m-1",kind="output"}')).toBe(40);
    expect(sample(text, 'bridge_llm_tokens_total{model="m-1",kind="cached"}')).toBe(60);
    expect(sample(text, 'bridge_llm_tokens_total{model="m-1",kind="reasoning"}')).toBe(8);
    expect(sample(text, 'bridge_runs_total{agent="assistant",outcome="success"}')).toBe(1);

    env.llm.push({ status: 400 });
    await agentClient(env.bridge.url, 'assistant', 'llm-fails', [{ id: 'u1', role: 'user', content: 'x' }])
      .run()
      .catch(() => undefined);
    const failed =
      'bridge_llm_request_duration_seconds_count{agent="assistant",model="gpt-test",outcome="error"}';
    expect(sample(await scrape(), failed)).toBe(1);
  });

  it('counts interrupts created and resolved, and reports the pending ones and the oldest age', async () => {
    const before = await scrape();
    await runUntilApproval(env, 'approve-1');
    clock += 90_000;
    let text = await scrape();
    expect(sample(text, 'bridge_interrupts_created_total{reason="tool_approval"}')).toBe(
      sample(before, 'bridge_interrupts_created_total{reason="tool_approval"}') + 1,
    );
    expect(sample(text, 'bridge_interrupts_pending')).toBe(1);
    expect(sample(text, 'bridge_interrupt_oldest_pending_age_seconds')).toBe(90);

    const [pending] = (await getJson(`${env.bridge.url}/interrupts?status=pending`)).interrupts;
    env.llm.push({ text: ['Not refunded.'] });
    const res = await fetch(`${env.bridge.url}/interrupts/${pending.id}/resolve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'cancelled' }),
    });
    expect(res.status).toBe(202);
    await settledThread(env, 'approve-1', 2);
    text = await scrape();
    expect(sample(text, 'bridge_interrupts_resolved_total{outcome="cancelled"}')).toBe(1);
    expect(sample(text, 'bridge_interrupts_pending')).toBe(0);
    expect(sample(text, 'bridge_interrupt_oldest_pending_age_seconds')).toBe(0);
  });

  it('reports live subscribers per transport while they follow a thread', async () => {
    const sse = openSse(`${env.bridge.url}/threads/llm-metrics/events`);
    expect(await sse.status).toBe(200);
    const ws = await openWs(`${env.bridge.url.replace('http', 'ws')}/ws`);
    ws.send({ type: 'subscribe', threadId: 'llm-metrics' });
    await ws.next((frame) => frame.type === 'ack');
    const text = await scrape();
    expect(sample(text, 'bridge_live_subscribers{transport="sse"}')).toBe(1);
    expect(sample(text, 'bridge_live_subscribers{transport="ws"}')).toBe(1);
    sse.close();
    ws.close();
    await expect
      .poll(async () => {
        const after = await scrape();
        return (
          sample(after, 'bridge_live_subscribers{transport="sse"}') +
          sample(after, 'bridge_live_subscribers{transport="ws"}')
        );
      })
      .toBe(0);
  });

  it('answers every request with an X-Request-Id, the client’s own when it sent a plain one', async () => {
    const own = await fetch(`${env.bridge.url}/info`, { headers: { 'x-request-id': 'req-123' } });
    expect(own.headers.get('x-request-id')).toBe('req-123');
    const generated = await fetch(`${env.bridge.url}/threads`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const odd = await fetch(`${env.bridge.url}/threads`, { headers: { 'x-request-id': 'a b<script>' } });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
