import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BaseEvent } from '@ag-ui/core';
import { AgentDefinitionSchema } from '../../../src/agents/agent-definition.js';
import { createLlmAgent } from '../../../src/agents/llm-agent.js';
import { createScriptedLlmServer, type ScriptedLlmServer } from '../../fakes/scripted-llm-server.js';
import { createToolWebhookServer, type ToolWebhookServer } from '../../fakes/tool-webhook-server.js';
import { lastOfType, runAgentVerified } from '../../fixtures/run-agent-verified.js';

let llm: ScriptedLlmServer;
let webhook: ToolWebhookServer;
let lookupReply: { status: number; body: unknown };

beforeEach(async () => {
  llm = await createScriptedLlmServer();
  lookupReply = { status: 200, body: { id: '42', status: 'shipped' } };
  webhook = await createToolWebhookServer({
    lookup_order: () => lookupReply,
    refund_order: () => ({ status: 200, body: { ok: true } }),
  });
});
afterEach(async () => {
  await Promise.all([llm.close(), webhook.close()]);
});

const ORDER_SCHEMA = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };

function agent(extra: Record<string, unknown> = {}) {
  const definition = AgentDefinitionSchema.parse({
    id: 'assistant',
    name: 'Assistant',
    description: 'Answers questions and books things',
    model: 'gpt-test',
    baseUrl: llm.url,
    tools: [
      {
        name: 'lookup_order',
        description: 'Find an order',
        parameters: ORDER_SCHEMA,
        handler: { type: 'http', url: webhook.urlFor('lookup_order') },
      },
      {
        name: 'refund_order',
        description: 'Refund',
        parameters: ORDER_SCHEMA,
        handler: { type: 'http', url: webhook.urlFor('refund_order') },
        approval: 'always',
      },
    ],
    ...extra,
  });
  return createLlmAgent(definition, { env: {}, maxRetries: 0 });
}

const lookupCall = { id: 'call_lookup', name: 'lookup_order', arguments: '{"id":"42"}', chunks: 3 };
const types = (events: BaseEvent[]): string[] => events.map((e) => e.type);

describe('LLM agent: tools', () => {
  it('executes a backend tool over its webhook, feeds the result back and finishes with the answer', async () => {
    llm.push({ text: ['Let me check.'], toolCalls: [lookupCall] }, { text: ['Order 42 has shipped.'] });
    const events = await runAgentVerified(agent());

    expect(webhook.calls.map((c) => c.body)).toEqual([
      {
        toolCallId: 'call_lookup',
        threadId: 'thread-1',
        runId: 'run-1',
        name: 'lookup_order',
        args: { id: '42' },
      },
    ]);
    expect(llm.calls).toHaveLength(2);
    expect(llm.calls[1]?.messages.slice(-2)).toEqual([
      {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [
          {
            id: 'call_lookup',
            type: 'function',
            function: { name: 'lookup_order', arguments: '{"id":"42"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_lookup', content: '{"id":"42","status":"shipped"}' },
    ]);
    // The tool call belongs to the assistant message of its turn (the first one), not to the final answer.
    const firstMessageId = (
      events.find((e) => e.type === 'TEXT_MESSAGE_START') as { messageId?: string } | undefined
    )?.messageId;
    expect(firstMessageId).toEqual(expect.any(String));
    expect(lastOfType(events, 'TOOL_CALL_START')).toMatchObject({
      toolCallName: 'lookup_order',
      parentMessageId: firstMessageId,
    });
    expect(lastOfType(events, 'TOOL_CALL_RESULT')).toMatchObject({
      toolCallId: 'call_lookup',
      content: '{"id":"42","status":"shipped"}',
      role: 'tool',
    });
    expect(types(events)).toEqual([
      'RUN_STARTED',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'TOOL_CALL_START',
      'TOOL_CALL_ARGS',
      'TOOL_CALL_ARGS',
      'TOOL_CALL_ARGS',
      'TOOL_CALL_END',
      'TOOL_CALL_RESULT',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'RUN_FINISHED',
    ]);
  });

  it('offers backend and frontend tools, the frontend declaration winning a name clash', async () => {
    llm.push({ text: ['Hi'] });
    await runAgentVerified(agent(), {
      tools: [
        { name: 'confirm', description: 'Ask the user to confirm' },
        { name: 'refund_order', description: 'Refund in the UI', parameters: ORDER_SCHEMA },
      ],
    });
    expect(
      llm.calls[0]?.tools?.map((t) =>
        t.type === 'function' ? [t.function.name, t.function.description] : [],
      ),
    ).toEqual([
      ['lookup_order', 'Find an order'],
      ['confirm', 'Ask the user to confirm'],
      ['refund_order', 'Refund in the UI'],
    ]);
  });

  it('feeds a failing webhook to the model as an error result and still succeeds', async () => {
    lookupReply = { status: 500, body: { message: 'database down' } };
    llm.push({ toolCalls: [lookupCall] }, { text: ['Sorry, the order system is down.'] });
    const events = await runAgentVerified(agent());
    const error = '{"error":"Tool lookup_order failed: HTTP 500 {\\"message\\":\\"database down\\"}"}';
    expect(lastOfType(events, 'TOOL_CALL_RESULT')).toMatchObject({
      toolCallId: 'call_lookup',
      content: error,
    });
    expect(llm.calls[1]?.messages.at(-1)).toEqual({
      role: 'tool',
      tool_call_id: 'call_lookup',
      content: error,
    });
    expect(types(events).at(-1)).toBe('RUN_FINISHED');
  });

  it('ends the run with the frontend tool call pending, never executing it', async () => {
    llm.push({ toolCalls: [{ id: 'call_confirm', name: 'confirm', arguments: '{"question":"Refund?"}' }] });
    const events = await runAgentVerified(agent(), {
      tools: [{ name: 'confirm', description: 'Ask the user' }],
    });
    expect(types(events)).toEqual([
      'RUN_STARTED',
      'TOOL_CALL_START',
      'TOOL_CALL_ARGS',
      'TOOL_CALL_END',
      'RUN_FINISHED',
    ]);
    expect(lastOfType(events, 'RUN_FINISHED').outcome).toEqual({
      type: 'success',
      pendingToolCallIds: ['call_confirm'],
    });
    expect(llm.calls).toHaveLength(1);
    expect(webhook.calls).toEqual([]);
  });

  it('continues after a frontend tool: the answer in the next run reaches the model after its call', async () => {
    llm.push({ text: ['Refund confirmed.'] });
    const confirmCall = {
      id: 'call_confirm',
      type: 'function' as const,
      function: { name: 'confirm', arguments: '{}' },
    };
    const events = await runAgentVerified(agent(), {
      tools: [{ name: 'confirm', description: 'Ask the user' }],
      messages: [
        { id: 'u1', role: 'user', content: 'Refund order 42' },
        { id: 'a1', role: 'assistant', toolCalls: [confirmCall] },
        { id: 't1', role: 'tool', toolCallId: 'call_confirm', content: '{"confirmed":true}' },
      ],
    });
    expect(llm.calls[0]?.messages).toEqual([
      { role: 'user', content: 'Refund order 42' },
      { role: 'assistant', content: null, tool_calls: [confirmCall] },
      { role: 'tool', tool_call_id: 'call_confirm', content: '{"confirmed":true}' },
    ]);
    expect(lastOfType(events, 'RUN_FINISHED')).not.toHaveProperty('outcome');
  });

  it('executes the direct calls of a turn, asks approval for gated ones and leaves frontend ones pending', async () => {
    llm.push({
      toolCalls: [
        lookupCall,
        { id: 'call_refund', name: 'refund_order', arguments: '{"id":"42"}' },
        { id: 'call_confirm', name: 'confirm', arguments: '{}' },
      ],
    });
    const events = await runAgentVerified(agent(), {
      tools: [{ name: 'confirm', description: 'Ask the user' }],
    });
    expect(webhook.calls.map((c) => c.name)).toEqual(['lookup_order']);
    expect(events.filter((e) => e.type === 'TOOL_CALL_RESULT')).toHaveLength(1);
    // Approvals outrank frontend calls: the run ends on the interrupt; call_confirm stays pending.
    const outcome = lastOfType(events, 'RUN_FINISHED').outcome as { type: string; interrupts: unknown[] };
    expect(outcome.type).toBe('interrupt');
    expect(outcome.interrupts).toEqual([
      {
        id: expect.any(String),
        reason: 'tool_approval',
        toolCallId: 'call_refund',
        message: expect.stringContaining('refund_order'),
        responseSchema: expect.objectContaining({ type: 'object', required: ['approved'] }),
        expiresAt: expect.any(String),
      },
    ]);
    expect(llm.calls).toHaveLength(1);
  });

  it('answers a call to a tool that does not exist with an error result', async () => {
    llm.push(
      { toolCalls: [{ id: 'call_x', name: 'launch_rocket', arguments: '{}' }] },
      { text: ['I cannot do that.'] },
    );
    const events = await runAgentVerified(agent());
    expect(lastOfType(events, 'TOOL_CALL_RESULT')).toMatchObject({
      toolCallId: 'call_x',
      content: '{"error":"Unknown tool launch_rocket"}',
    });
    expect(types(events).at(-1)).toBe('RUN_FINISHED');
  });

  it('sums the usage of every LLM call of the run on RUN_FINISHED', async () => {
    llm.push(
      { toolCalls: [lookupCall], usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 } },
      { text: ['Shipped.'], usage: { prompt_tokens: 130, completion_tokens: 5, total_tokens: 135 } },
    );
    const events = await runAgentVerified(agent());
    expect(lastOfType(events, 'RUN_FINISHED').usage).toEqual([
      {
        provider: '127.0.0.1',
        model: 'scripted-model',
        inputTokens: 230,
        outputTokens: 15,
        totalTokens: 245,
      },
    ]);
  });

  it('fails with MAX_ITERATIONS when the model keeps calling tools', async () => {
    const call = (n: number) => ({ toolCalls: [{ ...lookupCall, id: `call_${n}` }] });
    llm.push(call(1), call(2), call(3));
    const events = await runAgentVerified(agent({ maxIterations: 3 }));
    expect(llm.calls).toHaveLength(3);
    expect(webhook.calls).toHaveLength(3);
    expect(lastOfType(events, 'RUN_ERROR')).toMatchObject({ code: 'MAX_ITERATIONS' });
    expect(types(events).at(-1)).toBe('RUN_ERROR');
  });
});
