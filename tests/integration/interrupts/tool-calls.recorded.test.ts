import { buildResumeArray } from '@ag-ui/client';
import type { Message } from '@ag-ui/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  agentClient,
  getJson,
  postRun,
  runUntilApproval,
  startLlmBridge,
  type LlmBridge,
} from '../../fixtures/llm-bridge.js';
import { toolCallStatuses } from '../../fixtures/tool-call-rows.js';

let env: LlmBridge;
afterEach(() => env.close());

const issued = (threadId: string, ids: string[]) =>
  env.bridge.runtime.store.interrupts.issuedToolCalls(threadId, ids);

describe('which tool calls the correlation store records', () => {
  it('does not record a backend call the run made and answered, and still accepts a tool message for it', async () => {
    env = await startLlmBridge();
    env.llm.push(
      { toolCalls: [{ id: 'c-lookup', name: 'lookup_order', arguments: '{"id":"7"}' }] },
      { text: ['It shipped.'] },
    );
    const { run } = agentClient(env.bridge.url, 'assistant', 'rec-1', [
      { id: 'u1', role: 'user', content: 'Where is order 7?' },
    ]);
    const events = await run();
    expect(events.at(-1)).toMatchObject({ type: 'RUN_FINISHED' });
    expect(env.webhook.calls).toHaveLength(1);
    // Its call and its result are in the thread's messages; nothing waits on it.
    expect(await issued('rec-1', ['c-lookup'])).toEqual([]);
    expect(await toolCallStatuses(env.bridge, 'rec-1')).toEqual({});
    const stored = await getJson<Message[]>(`${env.bridge.url}/threads/rec-1/messages`);
    const result = stored.find((m) => m.role === 'tool' && m.toolCallId === 'c-lookup');
    expect(result).toBeDefined();

    // A client sending the tool message without the call's message: the thread's messages settle it.
    env.llm.push({ text: ['Anything else?'] });
    const again = await postRun(env.bridge.url, 'assistant', {
      threadId: 'rec-1',
      runId: 'again',
      messages: [result!, { id: 'u2', role: 'user', content: 'Thanks' }],
    });
    expect(again.status).toBe(200);
    expect(again.body).toContain('RUN_FINISHED');

    // An id no run of the thread made is still refused.
    const unknown = await postRun(env.bridge.url, 'assistant', {
      threadId: 'rec-1',
      runId: 'unknown',
      messages: [{ id: 't-x', role: 'tool', toolCallId: 'c-nobody', content: '{}' }],
    });
    expect(unknown.status).toBe(409);
    expect(unknown.body.error.code).toBe('UNKNOWN_TOOL_CALL_ID');
  });

  it('records a gated call, and keeps its row when a later run executes it', async () => {
    env = await startLlmBridge();
    const { agent, run } = await runUntilApproval(env, 'rec-2', 'call-refund');
    expect(await issued('rec-2', ['call-refund'])).toEqual(['call-refund']);
    expect(await toolCallStatuses(env.bridge, 'rec-2')).toEqual({ 'call-refund': 'GATED' });

    env.llm.push({ text: ['Refunded.'] });
    const resume = buildResumeArray(agent.pendingInterrupts, {
      [agent.pendingInterrupts[0]!.id]: { status: 'resolved', payload: { approved: true } },
    });
    expect((await run({ resume })).at(-1)).toMatchObject({ type: 'RUN_FINISHED' });
    expect(env.webhook.calls.map((c) => c.name)).toEqual(['refund_order']);
    // The execution is the interrupt's (EXECUTED); the call's row stays as the first run left it.
    expect(await toolCallStatuses(env.bridge, 'rec-2')).toEqual({ 'call-refund': 'GATED' });
  });
});
