import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { adminCall } from '../../fixtures/admin-api.js';
import { getJson, startLlmBridge, type LlmBridge } from '../../fixtures/llm-bridge.js';

let env: LlmBridge;

beforeAll(async () => {
  env = await startLlmBridge();
});
afterAll(() => env.close());

describe('stored agents across a restart', () => {
  it('keeps stored agents, and makes one unavailable when its template leaves the agents file', async () => {
    await adminCall(env.bridge.url, 'POST', '', {
      id: 'kept',
      model: 'gpt-kept',
      name: 'Kept',
      description: '',
    });
    await adminCall(env.bridge.url, 'POST', '', { id: 'child', extends: 'assistant', name: 'Child' });
    writeFileSync(
      env.agentsFile,
      stringify({ agents: [{ id: 'other', name: 'Other', description: '', model: 'gpt-other' }] }),
    );
    const { url } = await env.restart();

    const info = (await getJson(`${url}/info`)).agents;
    expect(Object.keys(info).sort()).toEqual(['demo', 'kept', 'other']);
    // Falling back to nothing is explicit: the admin API says why the agent is unavailable.
    const child = await adminCall(url, 'GET', '/child');
    expect(child.body).toMatchObject({ source: 'database', version: 1, effective: null });
    expect(child.body.problems).toEqual([expect.objectContaining({ path: 'extends' })]);
    expect(
      (await adminCall(url, 'GET', '')).body.agents.find((a: { id: string }) => a.id === 'child'),
    ).toMatchObject({
      problems: [expect.objectContaining({ path: 'extends' })],
    });
    expect((await fetch(`${url}/agent/child/capabilities`)).status).toBe(404);
  });
});
