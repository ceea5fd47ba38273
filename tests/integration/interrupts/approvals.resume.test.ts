import { afterEach, describe, expect, it } from 'vitest';
import { buildResumeArray } from '@ag-ui/client';
import type { BaseEvent, Message } from '@ag-ui/core';
import {
  runUntilApproval,
  agentClient,
  getJson,
  postRun,
  startLlmBridge,
  type LlmBridge,
} from '../../fixtures/llm-bridge.js';

let env: LlmBridge;
afterEach(() => env.close());

const REFUND = { id: 'call-refund', name: 'refund_order', arguments: '{"id":"42"}' };

/** Runs until the model's refund call interrupts the run; returns the client. */
const interrupted = (threadId: string) => runUntilApproval(env, threadId, REFUND.id);

const resultOf = (events: BaseEvent[]) =>
  events.find((e) => e.type === 'TOOL_CALL_RESULT') as BaseEvent & { toolCallId: string; content: string };

describe('approval interrupts resumed by RunAgentInput.resume', () => {
  it('ends with an interrupt outcome carrying the approval request', async () => {
    env = await startLlmBridge();
    const { agent, events } = await interrupted('ap-0');
    expect(events.map((e) => e.type)).toEqual([
      'RUN_STARTED',
      'TOOL_CALL_START',
      'TOOL_CALL_ARGS',
      'TOOL_CALL_END',
      'RUN_FINISHED',
    ]);
    expect(agent.pendingInterrupts).toHaveLength(1);
    const [interrupt] = agent.pendingInterrupts;
    expect(interrupt).toMatchObject({
      reason: 'tool_approval',
      toolCallId: 'call-refund',
      message: expect.stringContaining('refund_order'),
    });
    expect(new Date(interrupt!.expiresAt!).getTime() - Date.now()).toBeGreaterThan(14 * 60 * 1000);
    expect(interrupt!.responseSchema).toMatchObject({
      type: 'object',
      properties: { approved: { type: 'boolean' } },
    });
    expect(env.webhook.calls).toHaveLength(0);

    const summary = await getJson(`${env.bridge.url}/threads/ap-0`);
    expect(summary.status).toBe('interrupted');
    expect(summary.pendingInterrupts).toEqual([
      expect.objectContaining({ id: interrupt!.id, status: 'pending', args: { id: '42' } }),
    ]);
    const listed = await getJson(`${env.bridge.url}/interrupts?status=pending`);
    expect(listed.interrupts).toEqual([
      expect.objectContaining({
        id: interrupt!.id,
        threadId: 'ap-0',
        agentId: 'assistant',
        toolName: 'refund_order',
        status: 'pending',
      }),
    ]);
  });

  it('approved: executes once with the model arguments, results on the original toolCallId, continues', async () => {
    env = await startLlmBridge();
    const { agent, run } = await interrupted('ap-1');
    env.llm.push({ text: ['Refunded order 42.'] });
    const resume = buildResumeArray(agent.pendingInterrupts, {
      [agent.pendingInterrupts[0]!.id]: { status: 'resolved', payload: { approved: true } },
    });
    const events = await run({ resume });
    expect(env.webhook.calls.map((c) => c.body)).toEqual([
      expect.objectContaining({ toolCallId: 'call-refund', name: 'refund_order', args: { id: '42' } }),
    ]);
    expect(resultOf(events)).toMatchObject({ toolCallId: 'call-refund', content: '{"refunded":"42"}' });
    expect(env.llm.calls[1]?.messages.at(-1)).toMatchObject({
      role: 'tool',
      tool_call_id: 'call-refund',
      content: '{"refunded":"42"}',
    });
    expect(agent.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Refunded order 42.' });
    expect(agent.pendingInterrupts).toEqual([]);
    const [record] = (await getJson(`${env.bridge.url}/interrupts?threadId=ap-1`)).interrupts;
    expect(record).toMatchObject({ status: 'executed', resolvedVia: 'resume' });
    expect(await getJson<Message[]>(`${env.bridge.url}/threads/ap-1/messages`)).toEqual(agent.messages);
  });

  it("approved with edited arguments: the tool runs with the approver's arguments", async () => {
    env = await startLlmBridge();
    const { agent, run } = await interrupted('ap-2');
    env.llm.push({ text: ['Refunded 43 instead.'] });
    await run({
      resume: [
        {
          interruptId: agent.pendingInterrupts[0]!.id,
          status: 'resolved',
          payload: { approved: true, args: { id: '43' } },
        },
      ],
    });
    expect(env.webhook.calls.map((c) => (c.body as { args: unknown }).args)).toEqual([{ id: '43' }]);
  });

  it('rejected: the tool never runs and the model is told, with the comment', async () => {
    env = await startLlmBridge();
    const { agent, run } = await interrupted('ap-3');
    env.llm.push({ text: ['Understood, no refund.'] });
    const events = await run({
      resume: [
        {
          interruptId: agent.pendingInterrupts[0]!.id,
          status: 'resolved',
          payload: { approved: false, comment: 'too late' },
        },
      ],
    });
    expect(env.webhook.calls).toHaveLength(0);
    expect(resultOf(events).content).toContain('rejected');
    expect(resultOf(events).content).toContain('too late');
    expect(env.llm.calls[1]?.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call-refund' });
  });

  it('cancelled: the tool never runs and the model is told', async () => {
    env = await startLlmBridge();
    const { agent, run } = await interrupted('ap-4');
    env.llm.push({ text: ['Cancelled.'] });
    const events = await run({
      resume: [{ interruptId: agent.pendingInterrupts[0]!.id, status: 'cancelled' }],
    });
    expect(env.webhook.calls).toHaveLength(0);
    expect(resultOf(events).content).toContain('cancelled');
    const [record] = (await getJson(`${env.bridge.url}/interrupts?threadId=ap-4`)).interrupts;
    expect(record.status).toBe('cancelled');
  });

  it('several gated calls in one turn give several interrupts, answered together', async () => {
    env = await startLlmBridge();
    env.llm.push({
      toolCalls: [
        { id: 'r1', name: 'refund_order', arguments: '{"id":"1"}' },
        { id: 'r2', name: 'refund_order', arguments: '{"id":"2"}' },
      ],
    });
    const { agent, run } = agentClient(env.bridge.url, 'assistant', 'ap-5', [
      { id: 'u1', role: 'user', content: 'Refund both' },
    ]);
    await run();
    expect(agent.pendingInterrupts.map((i) => i.toolCallId)).toEqual(['r1', 'r2']);
    const [first, second] = agent.pendingInterrupts;

    const half = await postRun(env.bridge.url, 'assistant', {
      threadId: 'ap-5',
      runId: 'half',
      messages: agent.messages,
      resume: [{ interruptId: first!.id, status: 'resolved', payload: { approved: true } }],
    });
    expect(half.status).toBe(409);
    expect(half.body.error).toMatchObject({
      code: 'PENDING_INTERRUPTS',
      details: { interruptIds: [second!.id] },
    });
    expect(env.webhook.calls).toHaveLength(0);

    env.llm.push({ text: ['One refunded, one not.'] });
    const events = await run({
      resume: [
        { interruptId: first!.id, status: 'resolved', payload: { approved: true } },
        { interruptId: second!.id, status: 'resolved', payload: { approved: false } },
      ],
    });
    expect(env.webhook.calls.map((c) => (c.body as { args: unknown }).args)).toEqual([{ id: '1' }]);
    expect(
      events
        .filter((e) => e.type === 'TOOL_CALL_RESULT')
        .map((e) => (e as unknown as { toolCallId: string }).toolCallId),
    ).toEqual(['r1', 'r2']);
  });
});
