import { afterEach, describe, expect, it } from 'vitest';
import {
  runUntilApproval,
  getJson,
  postRun,
  startLlmBridge,
  type LlmBridge,
  settledThread,
} from '../../fixtures/llm-bridge.js';

let env: LlmBridge;
afterEach(() => env.close());

const interrupt = (threadId: string) => runUntilApproval(env, threadId);

function resolve(id: string, body: unknown) {
  return fetch(`${env.bridge.url}/interrupts/${id}/resolve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('approval resolved through POST /interrupts/:id/resolve', () => {
  it('answers 202 and continues the thread itself; its events land in the thread log', async () => {
    env = await startLlmBridge();
    const { interruptId } = await interrupt('api-1');
    env.llm.push({ text: ['Refund done.'] });
    const res = await resolve(interruptId, { status: 'resolved', payload: { approved: true } });
    expect(res.status).toBe(202);
    const body = (await res.json()) as any;
    expect(body.interrupt).toMatchObject({ id: interruptId, status: 'approved', resolvedVia: 'api' });
    expect(body.continuationRunId).toEqual(expect.any(String));

    const thread = await settledThread(env, 'api-1', 2);
    expect(thread.status).toBe('idle');
    expect(thread.runs[1]).toMatchObject({ runId: body.continuationRunId, status: 'success' });
    expect(env.webhook.calls).toHaveLength(1);
    const { events } = await getJson(`${env.bridge.url}/threads/api-1/events`);
    const continuation = events.filter(
      (e: { event: { type: string } }) => e.event.type === 'TOOL_CALL_RESULT',
    );
    expect(continuation.map((e: { event: unknown }) => e.event)).toEqual([
      expect.objectContaining({ toolCallId: 'call-api-1', content: '{"refunded":"42"}' }),
    ]);
    const messages = await getJson(`${env.bridge.url}/threads/api-1/messages`);
    expect(messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
  });

  it('refuses with the contract codes and writes every refusal to the audit trail', async () => {
    env = await startLlmBridge();
    const { interruptId, agent } = await interrupt('api-2');

    const missing = await resolve('no-such-interrupt', { status: 'resolved', payload: { approved: true } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error.code).toBe('INTERRUPT_NOT_FOUND');

    const badPayload = await resolve(interruptId, { status: 'resolved', payload: { approved: 'yes' } });
    expect(badPayload.status).toBe(400);
    expect(((await badPayload.json()) as any).error.code).toBe('INVALID_INPUT');

    const noResume = await postRun(env.bridge.url, 'assistant', {
      threadId: 'api-2',
      runId: 'r-no',
      messages: agent.messages,
    });
    expect(noResume.status).toBe(409);
    expect(noResume.body.error.code).toBe('PENDING_INTERRUPTS');

    const unknownId = await postRun(env.bridge.url, 'assistant', {
      threadId: 'api-2',
      runId: 'r-unknown',
      messages: agent.messages,
      resume: [
        { interruptId, status: 'resolved', payload: { approved: true } },
        { interruptId: 'made-up', status: 'cancelled' },
      ],
    });
    expect(unknownId.status).toBe(409);
    expect(unknownId.body.error.code).toBe('UNKNOWN_INTERRUPT_ID');

    env.llm.push({ text: ['ok'] });
    expect((await resolve(interruptId, { status: 'cancelled' })).status).toBe(202);
    await settledThread(env, 'api-2', 2);
    const again = await resolve(interruptId, { status: 'resolved', payload: { approved: true } });
    expect(again.status).toBe(409);
    expect(((await again.json()) as any).error.code).toBe('INTERRUPT_NOT_PENDING');
    const replay = await postRun(env.bridge.url, 'assistant', {
      threadId: 'api-2',
      runId: 'r-replay',
      messages: agent.messages,
      resume: [{ interruptId, status: 'resolved', payload: { approved: true } }],
    });
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe('INTERRUPT_NOT_PENDING');
    expect(env.webhook.calls).toHaveLength(0);

    const { entries } = await getJson(`${env.bridge.url}/audit`);
    expect(entries.map((e: { code: string }) => e.code).sort()).toEqual(
      [
        'INTERRUPT_NOT_FOUND',
        'INVALID_INPUT',
        'PENDING_INTERRUPTS',
        'UNKNOWN_INTERRUPT_ID',
        'INTERRUPT_NOT_PENDING',
        'INTERRUPT_NOT_PENDING',
      ].sort(),
    );
    expect(entries[0]).toMatchObject({
      actor: 'default',
      action: expect.any(String),
      target: expect.any(String),
    });
  });

  it('50 concurrent resolves of one interrupt: one succeeds, the tool webhook is hit exactly once', async () => {
    env = await startLlmBridge();
    const { interruptId } = await interrupt('api-3');
    env.llm.push({ text: ['Refunded.'] });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        resolve(interruptId, { status: 'resolved', payload: { approved: true } }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const codes = await Promise.all(
      answers.filter((a) => a.status === 409).map(async (a) => ((await a.json()) as any).error.code),
    );
    expect(new Set(codes)).toEqual(new Set(['INTERRUPT_NOT_PENDING']));
    await settledThread(env, 'api-3', 2);
    expect(env.webhook.calls).toHaveLength(1);
  });
});
