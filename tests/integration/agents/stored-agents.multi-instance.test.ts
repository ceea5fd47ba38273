import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createScriptedLlmServer, type ScriptedLlmServer } from '../../fakes/scripted-llm-server.js';
import { createToolWebhookServer, type ToolWebhookServer } from '../../fakes/tool-webhook-server.js';
import { adminCall, runOnce } from '../../fixtures/admin-api.js';
import { getJson } from '../../fixtures/llm-bridge.js';
import { createPostgresTestDatabase, type PostgresTestDatabase } from '../../fixtures/postgres-database.js';
import { deleteRedisPrefix, REDIS_URL } from '../../fixtures/test-backend.js';
import { startTestBridge, type TestBridge } from '../../fixtures/test-bridge.js';

// Two bridges on one PostgreSQL database and one Redis prefix: a change made through A is what B
// runs next, without a restart; a run in flight on B keeps the version it started with.
let database: PostgresTestDatabase;
let llm: ScriptedLlmServer;
let webhook: ToolWebhookServer;
let a: TestBridge;
let b: TestBridge;
const prefix = `bridge-test-${randomUUID().slice(0, 8)}:`;
/** Runs inside the `lookup` tool's webhook, while the run that called it is in flight. */
let duringTool: () => Promise<void> = async () => undefined;

const lastCall = () => {
  const call = llm.calls.at(-1)!;
  return { model: call.model, system: call.messages.find((m) => m.role === 'system')?.content ?? null };
};

beforeAll(async () => {
  database = await createPostgresTestDatabase();
  llm = await createScriptedLlmServer();
  webhook = await createToolWebhookServer({
    lookup: async () => {
      await duringTool();
      return { status: 200, body: { found: true } };
    },
  });
  const agentsFile = path.join(mkdtempSync(path.join(tmpdir(), 'agents-')), 'agents.yaml');
  const lookup = {
    name: 'lookup',
    description: 'Look up',
    handler: { type: 'http', url: webhook.urlFor('lookup') },
  };
  writeFileSync(
    agentsFile,
    stringify({
      agents: [
        { id: 'assistant', name: 'Assistant', description: 'Base', model: 'gpt-test', tools: [lookup] },
      ],
    }),
  );
  const env = {
    BRIDGE_AGENTS_FILE: agentsFile,
    OPENAI_BASE_URL: llm.url,
    OPENAI_API_KEY: 'sk-test',
    BRIDGE_LLM_MAX_RETRIES: '0',
    REDIS_URL,
    BRIDGE_REDIS_PREFIX: prefix,
  };
  a = await startTestBridge({ env, databaseUrl: database.url });
  b = await startTestBridge({ env, databaseUrl: database.url });
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await Promise.all([llm?.close(), webhook?.close()]);
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

describe('stored agent definitions across instances (PostgreSQL + Redis)', () => {
  it('runs on B the version saved through A, and B records it', async () => {
    llm.push({ text: ['one'] });
    expect((await runOnce(b.url, 'assistant', 'mi-1'))[0].agentVersion).toBeNull();
    expect(lastCall()).toEqual({ model: 'gpt-test', system: null });

    const put = await adminCall(a.url, 'PUT', '/assistant', { model: 'gpt-next', systemPrompt: 'From A.' });
    expect(put).toMatchObject({ status: 200, body: { version: 1 } });
    llm.push({ text: ['two'] });
    expect((await runOnce(b.url, 'assistant', 'mi-2'))[0].agentVersion).toBe(1);
    expect(lastCall()).toEqual({ model: 'gpt-next', system: 'From A.' });
    expect((await adminCall(b.url, 'GET', '/assistant')).body).toMatchObject({ version: 1 });
  });

  it('runs on B an agent created through A, and refuses it once A deletes it', async () => {
    await adminCall(a.url, 'POST', '', { id: 'ranger', extends: 'assistant', name: 'Ranger' });
    // B has not seen it yet: its registry is refreshed before the agent is looked up.
    llm.push({ text: ['out'] });
    expect((await runOnce(b.url, 'ranger', 'mi-ranger-1'))[0]).toMatchObject({ status: 'success' });
    await adminCall(a.url, 'DELETE', '/ranger');
    // B knew it: the refresh before the next run finds it gone.
    const refused = await fetch(`${b.url}/agent/ranger/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        threadId: 'mi-ranger-2',
        runId: 'r1',
        messages: [{ id: 'u1', role: 'user', content: 'hi' }],
        tools: [],
        context: [],
        state: {},
        forwardedProps: {},
      }),
    });
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ error: { code: 'AGENT_NOT_FOUND' } });
  });

  it('shows on B an agent created through A, and forgets it when A deletes it', async () => {
    await adminCall(a.url, 'POST', '', { id: 'scout', extends: 'assistant', name: 'Scout' });
    expect((await getJson(`${b.url}/info`)).agents.scout).toMatchObject({ name: 'Scout' });
    expect((await getJson(`${b.url}/agent/scout/capabilities`)).identity.name).toBe('Scout');
    await adminCall(a.url, 'DELETE', '/scout');
    expect((await getJson(`${b.url}/info`)).agents.scout).toBeUndefined();
    expect((await fetch(`${b.url}/agent/scout/capabilities`)).status).toBe(404);
  });

  it('keeps the version a run started with while a new one is saved mid-run', async () => {
    const before = (await adminCall(a.url, 'GET', '/assistant')).body.version as number;
    duringTool = async () => {
      const put = await adminCall(a.url, 'PUT', '/assistant', { model: 'gpt-mid-run' });
      expect(put.status).toBe(200);
    };
    llm.push({ toolCalls: [{ id: 'call-1', name: 'lookup', arguments: '{}' }] }, { text: ['done'] });
    const runs = await runOnce(b.url, 'assistant', 'mi-3');
    duringTool = async () => undefined;
    // Both LLM calls of the run used the definition it started with; the next run uses the new one.
    expect(llm.calls.slice(-2).map((c) => c.model)).toEqual(['gpt-next', 'gpt-next']);
    expect(runs[0]).toMatchObject({ status: 'success', agentVersion: before });
    llm.push({ text: ['after'] });
    expect((await runOnce(b.url, 'assistant', 'mi-4'))[0].agentVersion).toBe(before + 1);
    expect(lastCall().model).toBe('gpt-mid-run');
  });
});
