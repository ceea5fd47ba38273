import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '@ag-ui/core';
import { agentClient, getJson, postRun, startLlmBridge, type LlmBridge } from '../../fixtures/llm-bridge.js';

let env: LlmBridge;
beforeEach(async () => {
  env = await startLlmBridge();
});
afterEach(() => env.close());

const CONFIRM = {
  name: 'confirm',
  description: 'Ask the user to confirm',
  parameters: { type: 'object', properties: {} },
};
const PICK = {
  name: 'pick_color',
  description: 'Let the user pick',
  parameters: { type: 'object', properties: {} },
};

describe('frontend tools', () => {
  it('ends the run with the call pending, then continues when the next run answers it', async () => {
    env.llm.push(
      { toolCalls: [{ id: 'call-confirm', name: 'confirm', arguments: '{"q":"ok?"}' }] },
      { text: ['Thanks, confirmed.'] },
    );
    const { agent, run } = agentClient(env.bridge.url, 'assistant', 'fe-1', [
      { id: 'u1', role: 'user', content: 'Go' },
    ]);
    const first = await run({ tools: [CONFIRM] });
    expect(first.at(-1)).toMatchObject({
      type: 'RUN_FINISHED',
      outcome: { type: 'success', pendingToolCallIds: ['call-confirm'] },
    });
    expect(first.some((e) => e.type === 'TOOL_CALL_RESULT')).toBe(false);
    const waiting = await getJson(`${env.bridge.url}/threads/fe-1`);
    expect(waiting).toMatchObject({ status: 'awaiting_tool_results', pendingToolCallIds: ['call-confirm'] });

    agent.addMessage({ id: 't1', role: 'tool', toolCallId: 'call-confirm', content: '{"confirmed":true}' });
    const second = await run({ tools: [CONFIRM] });
    expect(second.at(-1)).toMatchObject({ type: 'RUN_FINISHED' });
    expect(env.llm.calls[1]?.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call-confirm' });
    expect(agent.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Thanks, confirmed.' });
    const after = await getJson(`${env.bridge.url}/threads/fe-1`);
    expect(after).toMatchObject({ status: 'idle', pendingToolCallIds: [] });
    expect(await getJson<Message[]>(`${env.bridge.url}/threads/fe-1/messages`)).toEqual(agent.messages);
  });

  it('answers parallel frontend calls together, and refuses a run that answers only some', async () => {
    env.llm.push(
      {
        toolCalls: [
          { id: 'c-a', name: 'confirm', arguments: '{}' },
          { id: 'c-b', name: 'pick_color', arguments: '{}' },
        ],
      },
      { text: ['Both done.'] },
    );
    const { agent, run } = agentClient(env.bridge.url, 'assistant', 'fe-2', [
      { id: 'u1', role: 'user', content: 'Go' },
    ]);
    const first = await run({ tools: [CONFIRM, PICK] });
    expect(first.at(-1)).toMatchObject({ outcome: { pendingToolCallIds: ['c-a', 'c-b'] } });

    const partial = await postRun(env.bridge.url, 'assistant', {
      threadId: 'fe-2',
      runId: 'partial',
      messages: [...agent.messages, { id: 't-a', role: 'tool', toolCallId: 'c-a', content: 'yes' }],
    });
    expect(partial.status).toBe(409);
    expect(partial.body.error).toMatchObject({
      code: 'PENDING_TOOL_CALLS',
      details: { pendingToolCallIds: ['c-b'] },
    });

    agent.addMessage({ id: 't-a', role: 'tool', toolCallId: 'c-a', content: 'yes' });
    agent.addMessage({ id: 't-b', role: 'tool', toolCallId: 'c-b', content: 'blue' });
    const second = await run({ tools: [CONFIRM, PICK] });
    expect(second.at(-1)).toMatchObject({ type: 'RUN_FINISHED' });
    const toolMessages = env.llm.calls[1]?.messages.filter((m) => m.role === 'tool');
    expect(toolMessages?.map((m) => (m as { tool_call_id: string }).tool_call_id)).toEqual(['c-a', 'c-b']);
  });

  it('refuses a run with no answers while calls are pending, and answers for ids the thread never issued', async () => {
    env.llm.push({ toolCalls: [{ id: 'call-x', name: 'confirm', arguments: '{}' }] });
    const { agent, run } = agentClient(env.bridge.url, 'assistant', 'fe-3', [
      { id: 'u1', role: 'user', content: 'Go' },
    ]);
    await run({ tools: [CONFIRM] });

    const silent = await postRun(env.bridge.url, 'assistant', {
      threadId: 'fe-3',
      runId: 'silent',
      messages: [...agent.messages, { id: 'u2', role: 'user', content: 'never mind' }],
    });
    expect(silent.status).toBe(409);
    expect(silent.body.error.code).toBe('PENDING_TOOL_CALLS');

    const unknown = await postRun(env.bridge.url, 'assistant', {
      threadId: 'fe-3',
      runId: 'unknown',
      messages: [
        ...agent.messages,
        { id: 't-z', role: 'tool', toolCallId: 'call-nobody-made', content: 'hi' },
      ],
    });
    expect(unknown.status).toBe(409);
    expect(unknown.body.error.code).toBe('UNKNOWN_TOOL_CALL_ID');
    expect(env.llm.calls).toHaveLength(1);
  });

  it('treats a name declared by the frontend as a frontend tool even when a backend tool has it', async () => {
    env.llm.push({ toolCalls: [{ id: 'c-lookup', name: 'lookup_order', arguments: '{"id":"1"}' }] });
    const { run } = agentClient(env.bridge.url, 'assistant', 'fe-4', [
      { id: 'u1', role: 'user', content: 'Go' },
    ]);
    const events = await run({
      tools: [{ name: 'lookup_order', description: 'client-side lookup', parameters: {} }],
    });
    expect(events.at(-1)).toMatchObject({ outcome: { pendingToolCallIds: ['c-lookup'] } });
    expect(env.webhook.calls).toHaveLength(0);
  });
});
