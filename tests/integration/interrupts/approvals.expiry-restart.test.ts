import { afterEach, describe, expect, it } from 'vitest';
import {
  runUntilApproval,
  getJson,
  postRun,
  startLlmBridge,
  type LlmBridge,
} from '../../fixtures/llm-bridge.js';

let env: LlmBridge;
afterEach(() => env.close());

const SIXTEEN_MINUTES = 16 * 60 * 1000;

const interrupt = (threadId: string) => runUntilApproval(env, threadId);

describe('interrupt expiry', () => {
  it('refuses answers after expiresAt (marked or not), sweeps to EXPIRED, and lets a cancel move the thread on', async () => {
    let clock = Date.now();
    env = await startLlmBridge({ now: () => clock });
    const { agent, run, interruptId } = await interrupt('exp-1');
    clock += SIXTEEN_MINUTES;

    // Not swept yet: refused all the same.
    const late = await fetch(`${env.bridge.url}/interrupts/${interruptId}/resolve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'resolved', payload: { approved: true } }),
    });
    expect(late.status).toBe(410);
    expect(((await late.json()) as any).error.code).toBe('INTERRUPT_EXPIRED');

    expect(await env.bridge.runtime.interrupts.sweep()).toBe(1);
    const expired = await getJson(`${env.bridge.url}/interrupts?status=expired`);
    expect(expired.interrupts).toEqual([
      expect.objectContaining({ id: interruptId, resolvedVia: 'sweeper' }),
    ]);

    const lateResume = await postRun(env.bridge.url, 'assistant', {
      threadId: 'exp-1',
      runId: 'late',
      messages: agent.messages,
      resume: [{ interruptId, status: 'resolved', payload: { approved: true } }],
    });
    expect(lateResume.status).toBe(410);
    expect(lateResume.body.error.code).toBe('INTERRUPT_EXPIRED');

    env.llm.push({ text: ['The approval expired, so nothing was refunded.'] });
    const events = await run({ resume: [{ interruptId, status: 'cancelled' }] });
    const result = events.find((e) => e.type === 'TOOL_CALL_RESULT') as unknown as { content: string };
    expect(result.content).toContain('expired');
    expect(env.webhook.calls).toHaveLength(0);
    expect((await getJson(`${env.bridge.url}/threads/exp-1`)).status).toBe('idle');
  });
});

describe('a restart between interrupt and resume', () => {
  it('loses nothing: a new process on the same database resumes and executes the tool once', async () => {
    env = await startLlmBridge();
    const { agent, interruptId } = await interrupt('restart-1');
    const before = await getJson(`${env.bridge.url}/threads/restart-1`);
    await env.restart();

    const after = await getJson(`${env.bridge.url}/threads/restart-1`);
    expect(after.status).toBe('interrupted');
    expect(after.pendingInterrupts).toEqual(before.pendingInterrupts);

    env.llm.push({ text: ['Refunded after the restart.'] });
    agent.url = `${env.bridge.url}/agent/assistant/run`;
    await agent.runAgent({ resume: [{ interruptId, status: 'resolved', payload: { approved: true } }] });
    expect(env.webhook.calls).toHaveLength(1);
    expect(agent.messages.at(-1)).toMatchObject({
      role: 'assistant',
      content: 'Refunded after the restart.',
    });
    expect(env.llm.calls.at(-1)?.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
  });
});
