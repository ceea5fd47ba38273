import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCall, runOnce } from '../../fixtures/admin-api.js';
import { getJson, startLlmBridge, type LlmBridge } from '../../fixtures/llm-bridge.js';
import { startTestBridge, type TestBridge } from '../../fixtures/test-bridge.js';

// One bridge with the YAML agent `assistant` (model gpt-test, no system prompt) on a scripted model.
let env: LlmBridge;
const url = () => env.bridge.url;
const admin = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
  adminCall(url(), method, path, body);
/** The model and system prompt of the scripted model's last call. */
const lastCall = () => {
  const call = env.llm.calls.at(-1)!;
  const system = call.messages.find((m) => m.role === 'system');
  return { model: call.model, system: system?.content ?? null };
};
const reply = () => env.llm.push({ text: ['ok'] });

beforeAll(async () => {
  env = await startLlmBridge();
});
afterAll(() => env.close());

describe('agent admin API: validation', () => {
  it('refuses an invalid stored definition with 400 INVALID_INPUT naming the field', async () => {
    const bad = await admin('PUT', '/assistant', {
      tools: [{ name: 'refund_order', approval: 'sometimes' }],
    });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'tools.0.approval' })]);
    expect(bad.body.error.message).toContain('tools.0.approval');

    const typo = await admin('PUT', '/assistant', { tools: [{ name: 'refund_order', aproval: 'always' }] });
    expect(typo.status).toBe(400);
    expect(typo.body.error.details[0]).toMatchObject({ path: 'tools.0', code: 'unrecognized_keys' });
    expect(typo.body.error.details[0].message).toContain('aproval');
  });

  it('refuses a merged definition that does not validate: no model anywhere names model', async () => {
    const noModel = await admin('POST', '', { id: 'bare', name: 'Bare', description: '' });
    expect(noModel).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    expect(noModel.body.error.details.map((d: { path: string }) => d.path)).toEqual(['model']);
  });

  it('refuses extends of an unknown template, naming extends', async () => {
    const unknown = await admin('POST', '', { id: 'orphan', extends: 'nope' });
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    expect(unknown.body.error.details[0].path).toBe('extends');
  });

  it('keeps the built-in demo agent read-only and ids unique', async () => {
    for (const [method, path, body] of [
      ['PUT', '/demo', { name: 'Mine' }],
      ['DELETE', '/demo', undefined],
      ['POST', '', { id: 'demo', model: 'm' }],
    ] as const) {
      const refused = await admin(method, path, body);
      expect(refused, `${method} ${path}`).toMatchObject({
        status: 409,
        body: { error: { code: 'AGENT_NOT_EDITABLE' } },
      });
    }
    const taken = await admin('POST', '', { id: 'assistant', model: 'm' });
    expect(taken).toMatchObject({ status: 409, body: { error: { code: 'AGENT_EXISTS' } } });
    expect((await admin('PUT', '/missing', { model: 'm' })).body.error.code).toBe('AGENT_NOT_FOUND');
    expect((await admin('DELETE', '/assistant')).body.error.code).toBe('AGENT_NOT_FOUND');
  });
});

describe('agent admin API: versions', () => {
  it('serves an override to the next run without a restart, records the version, and reverts on delete', async () => {
    reply();
    expect((await runOnce(url(), 'assistant', 'v-before'))[0].agentVersion).toBeNull();
    expect(lastCall()).toEqual({ model: 'gpt-test', system: null });

    const put = await admin('PUT', '/assistant', { model: 'gpt-next', systemPrompt: 'Be brief.' });
    expect(put).toMatchObject({
      status: 200,
      body: {
        id: 'assistant',
        source: 'yaml',
        version: 1,
        effective: { model: 'gpt-next', maxIterations: 6 },
      },
    });
    expect(put.body.template).toMatchObject({ id: 'assistant', model: 'gpt-test' });
    expect(put.body.stored).toEqual({ id: 'assistant', model: 'gpt-next', systemPrompt: 'Be brief.' });
    reply();
    expect((await runOnce(url(), 'assistant', 'v-after'))[0].agentVersion).toBe(1);
    expect(lastCall()).toEqual({ model: 'gpt-next', system: 'Be brief.' });

    await admin('PUT', '/assistant', { tools: [{ name: 'refund_order', remove: true }] });
    const capabilities = await getJson(`${url()}/agent/assistant/capabilities`);
    expect(capabilities.tools.items.map((t: { name: string }) => t.name)).toEqual(['lookup_order']);

    const deleted = await admin('DELETE', '/assistant');
    expect(deleted).toMatchObject({
      status: 200,
      body: { deleted: true, source: 'yaml', version: 3, stored: null, effective: { model: 'gpt-test' } },
    });
    reply();
    expect((await runOnce(url(), 'assistant', 'v-reverted'))[0].agentVersion).toBe(3);
    expect(lastCall()).toEqual({ model: 'gpt-test', system: null });

    const versions = await admin('GET', '/assistant/versions');
    expect(versions.status).toBe(200);
    expect(
      versions.body.versions.map((v: { version: number; deleted: boolean }) => [v.version, v.deleted]),
    ).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(versions.body.versions[0]).toMatchObject({
      definition: { model: 'gpt-next' },
      createdBy: 'default',
      createdAt: expect.any(String),
    });
    expect(versions.body.versions[2].definition).toBeNull();
  });
});

describe('agent admin API: stored agents', () => {
  it('shows a new agent in /info and the list at once, runs it, and removes it on delete', async () => {
    const created = await admin('POST', '', {
      id: 'helper',
      extends: 'assistant',
      name: 'Helper',
      description: 'Helps',
      systemPrompt: 'Help.',
    });
    expect(created).toMatchObject({
      status: 201,
      body: {
        id: 'helper',
        source: 'database',
        version: 1,
        effective: { name: 'Helper', model: 'gpt-test' },
      },
    });
    expect((await getJson(`${url()}/info`)).agents.helper).toMatchObject({
      name: 'Helper',
      description: 'Helps',
    });
    const listed = (await admin('GET', '')).body.agents;
    expect(listed.find((a: { id: string }) => a.id === 'helper')).toMatchObject({
      source: 'database',
      version: 1,
      extends: 'assistant',
    });
    expect(listed.find((a: { id: string }) => a.id === 'demo')).toMatchObject({
      source: 'builtin',
      editable: false,
    });

    reply();
    expect((await runOnce(url(), 'helper', 'helper-1'))[0]).toMatchObject({
      agentId: 'helper',
      agentVersion: 1,
    });
    expect(lastCall()).toEqual({ model: 'gpt-test', system: 'Help.' });

    expect((await admin('DELETE', '/helper')).body).toMatchObject({
      deleted: true,
      version: 2,
      effective: null,
    });
    expect((await getJson(`${url()}/info`)).agents.helper).toBeUndefined();
    expect((await admin('GET', '/helper')).status).toBe(404);
    // The history stays; the id can be created again, as the next version.
    expect((await admin('GET', '/helper/versions')).body.versions).toHaveLength(2);
    const again = await admin('POST', '', { id: 'helper', extends: 'assistant', name: 'Helper 2' });
    expect(again.body).toMatchObject({ version: 3, effective: { name: 'Helper 2' } });
  });
});

describe('agent admin API: BRIDGE_ADMIN_TENANTS', () => {
  let keyed: TestBridge;
  beforeAll(async () => {
    keyed = await startTestBridge({
      env: { BRIDGE_API_KEYS: 'ops:key-ops,app:key-app', BRIDGE_ADMIN_TENANTS: 'ops' },
    });
  });
  afterAll(() => keyed.close());

  it('answers 403 FORBIDDEN to a tenant outside the list, and serves the listed one', async () => {
    const asApp = await adminCall(keyed.url, 'GET', '', undefined, { authorization: 'Bearer key-app' });
    expect(asApp).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    const asOps = await adminCall(keyed.url, 'GET', '', undefined, { authorization: 'Bearer key-ops' });
    expect(asOps.status).toBe(200);
    expect((await adminCall(keyed.url, 'GET', '')).status).toBe(401);
  });
});
