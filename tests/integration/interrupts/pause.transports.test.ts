import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { BaseEvent, Interrupt, Message } from '@ag-ui/core';
import type { ToolWebhookCall } from '../../fakes/tool-webhook-server.js';
import { agentClient, getJson, startLlmBridge, type LlmBridge } from '../../fixtures/llm-bridge.js';
import { lastOfType, verifyAgui } from '../../fixtures/run-agent-verified.js';
import { deleteRedisPrefix, TEST_BACKEND } from '../../fixtures/test-backend.js';
import { startTestBridge } from '../../fixtures/test-bridge.js';
import { openWs } from '../../fixtures/ws-client.js';

/** A RUN_FINISHED event as these tests read it. */
type Finished = BaseEvent & { runId: string; outcome?: { type: string; interrupts: Interrupt[] } };
let env: LlmBridge;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await env.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const USER: Message = { id: 'u1', role: 'user', content: 'Where are orders 1, 2 and 3?' };
const lookup = (id: string, order: string) => ({
  id,
  name: 'lookup_order',
  arguments: JSON.stringify({ id: order }),
});
const SCRIPT = [
  { toolCalls: [lookup('call-a', '1')] },
  { toolCalls: [lookup('call-b', '2'), lookup('call-c', '3')] },
  { text: ['Orders 1, 2 and 3 have shipped.'] },
];

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A bridge whose first tool call is held until `release`; `started` resolves when it arrives. */
async function startHeld(options: { env?: Record<string, string> } = {}) {
  const started = deferred();
  const release = deferred();
  env = await startLlmBridge({
    ...options,
    beforeToolReply: (call: ToolWebhookCall) => {
      if ((call.body as { toolCallId: string }).toolCallId !== 'call-a') return undefined;
      started.resolve();
      return release.promise;
    },
  });
  return { started, release };
}

const toolCallsOf = (threadId: string) =>
  env.webhook.calls
    .map((c) => c.body as { threadId: string; toolCallId: string })
    .filter((b) => b.threadId === threadId)
    .map((b) => b.toolCallId);

describe('pause over the WebSocket', () => {
  it('pauses a run from any connection (ack with the run id); an idle thread gets an error frame', async () => {
    const { started, release } = await startHeld();
    const ws = await openWs(`${env.bridge.url.replace('http', 'ws')}/ws`);
    env.llm.push(...SCRIPT);
    const client = agentClient(env.bridge.url, 'assistant', 'ws-1', [USER]);
    const running = client.run();
    await started.promise;
    ws.send({ type: 'pause', threadId: 'ws-1' });
    const ack = await ws.next((frame) => frame.type === 'ack' || frame.type === 'error');
    release.resolve();
    const events = await running;
    const finished = lastOfType<Finished>(events, 'RUN_FINISHED');
    expect(ack).toEqual({ type: 'ack', requestType: 'pause', threadId: 'ws-1', runId: finished.runId });
    expect(finished.outcome!.interrupts).toEqual([expect.objectContaining({ reason: 'paused' })]);

    ws.send({ type: 'pause', threadId: 'ws-1' });
    expect(await ws.next((frame) => frame.type === 'error')).toMatchObject({
      code: 'THREAD_NOT_RUNNING',
      requestType: 'pause',
      threadId: 'ws-1',
    });
    ws.send({ type: 'pause', threadId: 'ws-unknown' });
    expect(await ws.next((frame) => frame.type === 'error')).toMatchObject({ code: 'THREAD_NOT_FOUND' });
    ws.close();
  });
});

describe.runIf(TEST_BACKEND === 'postgres-redis')('pause across instances', () => {
  it('pauses on instance B a run executing on instance A; resolving on B continues it', async () => {
    const prefix = `bridge-test-pause-${randomUUID().slice(0, 8)}:`;
    cleanups.push(() => deleteRedisPrefix(prefix));
    const { started, release } = await startHeld({ env: { BRIDGE_REDIS_PREFIX: prefix } });
    const b = await startTestBridge({
      databaseUrl: env.bridge.databaseUrl,
      env: {
        BRIDGE_AGENTS_FILE: env.agentsFile,
        OPENAI_BASE_URL: env.llm.url,
        OPENAI_API_KEY: 'sk-test',
        BRIDGE_LLM_MAX_RETRIES: '0',
        BRIDGE_REDIS_PREFIX: prefix,
      },
    });
    cleanups.unshift(() => b.close());

    env.llm.push(...SCRIPT);
    const client = agentClient(env.bridge.url, 'assistant', 'mi-1', [USER]);
    const running = client.run();
    await started.promise;
    const res = await fetch(`${b.url}/agent/assistant/pause/mi-1`, { method: 'POST' });
    const asked = (await res.json()) as { pausing: boolean; runId: string };
    release.resolve();
    const events = await running;
    const finished = lastOfType<Finished>(events, 'RUN_FINISHED');
    expect({ status: res.status, ...asked }).toEqual({ status: 202, pausing: true, runId: finished.runId });
    const interrupt = finished.outcome!.interrupts[0]!;
    expect(interrupt).toMatchObject({ reason: 'paused' });

    const resolved = await fetch(`${b.url}/interrupts/${interrupt.id}/resolve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'resolved', payload: { note: 'from B' } }),
    });
    expect(resolved.status).toBe(202);
    await expect.poll(async () => (await getJson(`${b.url}/threads/mi-1`)).status).toBe('idle');
    expect(toolCallsOf('mi-1').sort()).toEqual(['call-a', 'call-b', 'call-c']);
    const { events: logged } = await getJson(`${b.url}/threads/mi-1/events`);
    const all = logged.map((e: { event: { type: string } }) => e.event);
    const firstEnd = all.findIndex((e: { type: string }) => e.type === 'RUN_FINISHED');
    await verifyAgui(all.slice(firstEnd + 1));
    expect(all.at(-1)).toMatchObject({ type: 'RUN_FINISHED' });
    const messages = await getJson<Message[]>(`${b.url}/threads/mi-1/messages`);
    expect(messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Orders 1, 2 and 3 have shipped.' });
  });
});
