import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpAgent } from '@ag-ui/client';
import type { BaseEvent } from '@ag-ui/core';
import { startLlmBridge, type LlmBridge } from '../../fixtures/llm-bridge.js';

// Two tenants with keys; acme's run makes two LLM calls (a tool round, then the answer) on a
// dated snapshot of a priced model, globex's one call on a model the price table does not know.
const ACME = { authorization: 'Bearer key-acme' };
const GLOBEX = { authorization: 'Bearer key-globex' };
const MODEL = 'gpt-test-2026-01-01';
const CALL_1 = {
  prompt_tokens: 100,
  completion_tokens: 20,
  total_tokens: 120,
  prompt_tokens_details: { cached_tokens: 40 },
  completion_tokens_details: { reasoning_tokens: 5 },
};
const CALL_2 = { prompt_tokens: 150, completion_tokens: 30, total_tokens: 180 };
// USD per million: input 2, cached input 1, output 8, reasoning 10 (gpt-test covers its snapshots).
// Call 1: 60×2 + 40×1 + 15×8 + 5×10 = 330; call 2: 150×2 + 30×8 = 540; total 870 per million.
const RUN_COST = 0.00087;

let env: LlmBridge;
let finished: BaseEvent & Record<string, any>;

const get = async (url: string, headers: Record<string, string>) => {
  const res = await fetch(`${env.bridge.url}${url}`, { headers });
  return { status: res.status, body: (await res.json()) as any };
};

async function run(threadId: string, headers: Record<string, string>): Promise<BaseEvent[]> {
  const agent = new HttpAgent({ url: `${env.bridge.url}/agent/assistant/run`, threadId, headers });
  agent.addMessage({ id: `${threadId}-u1`, role: 'user', content: 'Where is order 7?' });
  const events: BaseEvent[] = [];
  await agent.runAgent({}, { onEvent: ({ event }) => void events.push(event) });
  return events;
}

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'prices-'));
  const prices = path.join(dir, 'prices.yaml');
  writeFileSync(prices, 'models:\n  gpt-test: { input: 2, output: 8, cachedInput: 1, reasoning: 10 }\n');
  env = await startLlmBridge({
    env: { BRIDGE_API_KEYS: 'acme:key-acme,globex:key-globex', BRIDGE_PRICES_FILE: prices },
  });
  env.llm.push(
    {
      model: MODEL,
      toolCalls: [{ id: 'call-1', name: 'lookup_order', arguments: '{"id":"7"}' }],
      usage: CALL_1 as never,
    },
    { model: MODEL, text: ['Shipped.'], usage: CALL_2 },
    { model: 'mystery', text: ['Hi'], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } },
  );
  const events = await run('a1', ACME);
  finished = events.find((e) => e.type === 'RUN_FINISHED') as BaseEvent & Record<string, any>;
  await run('g1', GLOBEX);
});
afterAll(() => env.close());

describe('usage metering', () => {
  it('asks the model for usage and sums both calls on RUN_FINISHED', () => {
    expect(env.llm.calls.map((c) => (c as { stream_options?: unknown }).stream_options)).toEqual([
      { include_usage: true },
      { include_usage: true },
      { include_usage: true },
    ]);
    expect(finished.usage).toHaveLength(1);
    expect(finished.usage[0]).toMatchObject({
      model: MODEL,
      inputTokens: 250,
      outputTokens: 50,
      totalTokens: 300,
      cachedInputTokens: 40,
      reasoningTokens: 5,
    });
  });

  it('shows each run with its usage and cost in the thread summary', async () => {
    const { body } = await get('/threads/a1', ACME);
    expect(body.runs).toHaveLength(1);
    // The stored usage entries carry their cost (RUN_FINISHED does not: clients strip unknown fields).
    expect(body.runs[0].usage).toEqual([{ ...finished.usage[0], costUsd: expect.any(Number) }]);
    expect(body.runs[0].usage[0].costUsd).toBeCloseTo(RUN_COST, 12);
    expect(body.runs[0].costUsd).toBeCloseTo(RUN_COST, 12);
  });

  it('sums per run, thread and tenant in GET /usage, each tenant seeing only its own calls', async () => {
    const acmeTotals = {
      inputTokens: 250,
      outputTokens: 50,
      cachedTokens: 40,
      reasoningTokens: 5,
      totalTokens: 300,
      calls: 2,
      runs: 1,
    };
    for (const groupBy of ['run', 'thread', 'tenant', 'agent', 'model', 'day']) {
      const { status, body } = await get(`/usage?groupBy=${groupBy}`, ACME);
      expect(status, groupBy).toBe(200);
      expect(body.groupBy).toBe(groupBy);
      expect(body.groups, groupBy).toHaveLength(1);
      expect(body.groups[0], groupBy).toMatchObject(acmeTotals);
      expect(body.groups[0].costUsd, groupBy).toBeCloseTo(RUN_COST, 12);
      expect(body.totals, groupBy).toMatchObject(acmeTotals);
    }
    const byKey = async (groupBy: string, headers: Record<string, string>) =>
      (await get(`/usage?groupBy=${groupBy}`, headers)).body.groups.map((g: { key: string }) => g.key);
    expect(await byKey('tenant', ACME)).toEqual(['acme']);
    expect(await byKey('thread', ACME)).toEqual(['a1']);
    expect(await byKey('model', ACME)).toEqual([MODEL]);
    expect(await byKey('run', ACME)).toEqual([finished.runId]);
    const globex = await get('/usage?groupBy=tenant', GLOBEX);
    expect(globex.body.groups).toEqual([
      {
        key: 'globex',
        inputTokens: 7,
        outputTokens: 3,
        cachedTokens: 0,
        reasoningTokens: 0,
        totalTokens: 10,
        costUsd: null,
        calls: 1,
        runs: 1,
      },
    ]);
    const defaultRange = await get('/usage', GLOBEX);
    expect(defaultRange.body.groupBy).toBe('agent');
    const span = Date.parse(defaultRange.body.to) - Date.parse(defaultRange.body.from);
    expect(span).toBe(30 * 24 * 60 * 60 * 1000);
  });

  it('keeps usage when the thread is deleted', async () => {
    env.llm.push({ model: MODEL, text: ['Bye'], usage: CALL_2 });
    await run('a-gone', ACME);
    const before = (await get('/usage?groupBy=tenant', ACME)).body.totals;
    const del = await fetch(`${env.bridge.url}/threads/a-gone`, { method: 'DELETE', headers: ACME });
    expect(del.status).toBe(200);
    expect((await get('/threads/a-gone', ACME)).status).toBe(404);
    expect((await get('/usage?groupBy=tenant', ACME)).body.totals).toEqual(before);
    const thread = await get('/usage?groupBy=thread&threadId=a-gone', ACME);
    expect(thread.body.totals).toMatchObject({ inputTokens: 150, outputTokens: 30, calls: 1 });
  });

  it('refuses a bad query with 400 INVALID_INPUT naming the field, and a missing key with 401', async () => {
    const bad = [
      ['groupBy=week', 'groupBy'],
      ['from=yesterday', 'from'],
      ['from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'from'],
      ['tenant=globex', ''],
    ];
    for (const [query, field] of bad) {
      const { status, body } = await get(`/usage?${query}`, ACME);
      expect(status, query).toBe(400);
      expect(body.error.code, query).toBe('INVALID_INPUT');
      expect(
        body.error.details.map((d: { path: string }) => d.path),
        query,
      ).toContain(field);
    }
    expect((await get('/usage', {})).status).toBe(401);
  });
});
