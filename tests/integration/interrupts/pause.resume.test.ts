import { afterEach, describe, expect, it } from 'vitest';
import type { BaseEvent, Interrupt, Message } from '@ag-ui/core';
import type { ScriptedReply } from '../../fakes/scripted-llm-server.js';
import type { ToolWebhookCall } from '../../fakes/tool-webhook-server.js';
import {
  agentClient,
  getJson,
  startLlmBridge,
  type LlmBridge,
  settledThread,
} from '../../fixtures/llm-bridge.js';
import { lastOfType, verifyAgui } from '../../fixtures/run-agent-verified.js';
import { toolCallStatuses } from '../../fixtures/tool-call-rows.js';

/** A RUN_FINISHED event as these tests read it. */
type Finished = BaseEvent & { runId: string; outcome?: { type: string; interrupts: Interrupt[] } };
let env: LlmBridge;
afterEach(() => env.close());

/** Tool webhook calls a test holds: answered once the returned promise settles. */
let holdTool: ((call: ToolWebhookCall) => Promise<unknown> | undefined) | undefined;
afterEach(() => (holdTool = undefined));

const start = () => startLlmBridge({ beforeToolReply: (call) => holdTool?.(call) });

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const USER: Message = { id: 'u1', role: 'user', content: 'Where are orders 1, 2 and 3?' };
const lookup = (id: string, order: string) => ({
  id,
  name: 'lookup_order',
  arguments: JSON.stringify({ id: order }),
});

/** The scripted model: tool A, then tools B and C in one turn, then the answer. */
function script(holdSecondCall?: () => Promise<unknown>): ScriptedReply[] {
  return [
    { toolCalls: [lookup('call-a', '1')] },
    {
      toolCalls: [lookup('call-b', '2'), lookup('call-c', '3')],
      ...(holdSecondCall ? { hold: holdSecondCall } : {}),
    },
    { text: ['Orders 1, 2 and 3 have shipped.'] },
  ];
}

type Body = { threadId: string; toolCallId: string };
const bodyOf = (call: ToolWebhookCall) => call.body as Body;
const toolCallsOf = (threadId: string) =>
  env.webhook.calls
    .map(bodyOf)
    .filter((b) => b.threadId === threadId)
    .map((b) => b.toolCallId);

async function post(path: string, body: unknown = {}) {
  const res = await fetch(`${env.bridge.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const pause = (threadId: string) => post(`/agent/assistant/pause/${threadId}`);

/** Messages without their ids: a paused and an unpaused run must say the same things in the same order. */
const withoutIds = (messages: Message[]) => messages.map(({ id: _id, ...rest }) => rest);

/** Runs the script to the end on `threadId` without pausing: the conversation to compare with. */
async function unpausedConversation(threadId: string) {
  env.llm.push(...script());
  await agentClient(env.bridge.url, 'assistant', threadId, [USER]).run();
  return getJson<Message[]>(`${env.bridge.url}/threads/${threadId}/messages`);
}

type PausePoint = 'while tool A runs' | 'while the second LLM call streams';

/**
 * Starts the script on `threadId` and pauses it at `point` (the call held until the pause is in):
 * while tool A runs, the run pauses before the second LLM call; while the second LLM call streams,
 * it pauses before executing B and C, which wait in the pending turn.
 */
async function runAndPause(threadId: string, point: PausePoint) {
  const started = deferred();
  const release = deferred();
  const hold = () => {
    started.resolve();
    return release.promise;
  };
  if (point === 'while tool A runs') {
    holdTool = (call) =>
      bodyOf(call).threadId === threadId && bodyOf(call).toolCallId === 'call-a' ? hold() : undefined;
    env.llm.push(...script());
  } else {
    env.llm.push(...script(hold));
  }
  const client = agentClient(env.bridge.url, 'assistant', threadId, [USER]);
  const running = client.run();
  await started.promise;
  const asked = await pause(threadId);
  release.resolve();
  const events = await running;
  return { ...client, asked, events, interruptId: client.agent.pendingInterrupts[0]!.id };
}

/** The events of the thread's log after the first run's terminal event (a continuation's stream). */
async function continuationEvents(threadId: string): Promise<BaseEvent[]> {
  const { events } = await getJson<{ events: { event: BaseEvent }[] }>(
    `${env.bridge.url}/threads/${threadId}/events`,
  );
  const all = events.map((e) => e.event);
  const firstEnd = all.findIndex((e) => e.type === 'RUN_FINISHED' || e.type === 'RUN_ERROR');
  return verifyAgui(all.slice(firstEnd + 1));
}

describe.each<PausePoint>(['while tool A runs', 'while the second LLM call streams'])(
  'a run paused %s, the server restarted on the same database',
  (point) => {
    const carried = point === 'while tool A runs' ? [] : ['call-b', 'call-c'];

    async function pauseAndRestart(threadId: string) {
      const reference = await unpausedConversation(`${threadId}-ref`);
      const paused = await runAndPause(threadId, point);
      expect(paused.asked).toEqual({ status: 202, body: { pausing: true, runId: expect.any(String) } });
      const finished = lastOfType<Finished>(paused.events, 'RUN_FINISHED');
      expect(finished.runId).toBe(paused.asked.body.runId);
      expect(finished.outcome).toEqual({
        type: 'interrupt',
        interrupts: [
          {
            id: paused.interruptId,
            reason: 'paused',
            message: expect.stringContaining('paused'),
            responseSchema: {
              type: 'object',
              properties: { note: { type: 'string', maxLength: 10000 } },
              additionalProperties: false,
            },
          },
        ],
      });
      // A tool already running finished and its result is recorded; nothing after the safe point ran.
      expect(toolCallsOf(threadId)).toEqual(['call-a']);
      expect(paused.events.filter((e) => e.type === 'TOOL_CALL_RESULT')).toHaveLength(1);

      await env.restart();
      paused.agent.url = `${env.bridge.url}/agent/assistant/run`;
      const thread = await getJson(`${env.bridge.url}/threads/${threadId}`);
      expect(thread).toMatchObject({ status: 'interrupted', pendingToolCallIds: [] });
      expect(thread.pendingInterrupts).toEqual([
        expect.objectContaining({ id: paused.interruptId, reason: 'paused', toolCallId: null }),
      ]);
      const pending = await getJson(`${env.bridge.url}/interrupts?status=pending`);
      expect(pending.interrupts.map((i: { id: string; reason: string }) => [i.id, i.reason])).toEqual([
        [paused.interruptId, 'paused'],
      ]);
      const stored = await env.bridge.runtime.store.threads.get(threadId);
      expect(stored?.snapshot.pending).toMatchObject({
        iteration: carried.length > 0 ? 2 : 1,
        toolCalls: carried.map((toolCallId) => expect.objectContaining({ toolCallId, kind: 'backend' })),
      });
      return { reference, paused };
    }

    async function expectSameAsUnpaused(threadId: string, reference: Message[]) {
      // Every tool ran exactly once, and the conversation is the unpaused run's.
      expect(toolCallsOf(threadId).sort()).toEqual(['call-a', 'call-b', 'call-c']);
      const messages = await getJson<Message[]>(`${env.bridge.url}/threads/${threadId}/messages`);
      expect(withoutIds(messages)).toEqual(withoutIds(reference));
      // The model saw the same conversation on its last call.
      const calls = env.llm.calls;
      expect(calls).toHaveLength(6);
      expect(calls[5]!.messages).toEqual(calls[2]!.messages);
      const runs = (await getJson(`${env.bridge.url}/threads/${threadId}`)).runs;
      expect(runs.map((r: { status: string }) => r.status)).toEqual(['interrupted', 'success']);
    }

    it('resumes by RunAgentInput.resume where it stopped', async () => {
      env = await start();
      const { reference, paused } = await pauseAndRestart('pause-resume');
      const events = await paused.run({
        resume: [{ interruptId: paused.interruptId, status: 'resolved', payload: { note: 'go on' } }],
      });
      const results = events.filter((e) => e.type === 'TOOL_CALL_RESULT') as unknown as {
        toolCallId: string;
      }[];
      expect(results.map((r) => r.toolCallId)).toEqual(['call-b', 'call-c']);
      expect(lastOfType<Finished>(events, 'RUN_FINISHED').outcome).toBeUndefined();
      await expectSameAsUnpaused('pause-resume', reference);
      // Calls the paused run recorded as waiting are recorded as executed; a call a run made and
      // executed itself has no row (pending-turn.ts).
      expect(await toolCallStatuses(env.bridge, 'pause-resume')).toEqual(
        Object.fromEntries(carried.map((id) => [id, 'EXECUTED'])),
      );
      const [answered] = (await getJson(`${env.bridge.url}/interrupts?threadId=pause-resume`)).interrupts;
      expect(answered).toMatchObject({
        status: 'executed',
        resolvedVia: 'resume',
        payload: { note: 'go on' },
      });
    });

    it('resumes by POST /interrupts/:id/resolve: the bridge continues the thread itself', async () => {
      env = await start();
      const { reference, paused } = await pauseAndRestart('pause-api');
      const resolved = await post(`/interrupts/${paused.interruptId}/resolve`, { status: 'resolved' });
      expect(resolved).toMatchObject({
        status: 202,
        body: { interrupt: { status: 'approved' }, continuationRunId: expect.any(String) },
      });
      await settledThread(env, 'pause-api', 2);
      const events = await continuationEvents('pause-api');
      expect(events[0]).toMatchObject({ type: 'RUN_STARTED', runId: resolved.body.continuationRunId });
      await expectSameAsUnpaused('pause-api', reference);
    });
  },
);

describe('pause requests', () => {
  it('answers 409 THREAD_NOT_RUNNING on an idle or paused thread, 404 for unknown agents and threads', async () => {
    env = await start();
    env.llm.push({ text: ['Hello.'] });
    await agentClient(env.bridge.url, 'assistant', 'idle-1', [USER]).run();
    const idle = await pause('idle-1');
    expect(idle).toMatchObject({ status: 409, body: { error: { code: 'THREAD_NOT_RUNNING' } } });
    expect(await pause('no-such-thread')).toMatchObject({
      status: 404,
      body: { error: { code: 'THREAD_NOT_FOUND' } },
    });
    expect(await post('/agent/nobody/pause/idle-1')).toMatchObject({
      status: 404,
      body: { error: { code: 'AGENT_NOT_FOUND' } },
    });
    await runAndPause('paused-1', 'while tool A runs');
    expect(await pause('paused-1')).toMatchObject({
      status: 409,
      body: { error: { code: 'THREAD_NOT_RUNNING' } },
    });
  });

  it('is harmless twice: both answer 202, the run pauses once with one interrupt', async () => {
    env = await start();
    const started = deferred();
    const release = deferred();
    holdTool = () => {
      started.resolve();
      return release.promise;
    };
    env.llm.push(...script());
    const client = agentClient(env.bridge.url, 'assistant', 'twice', [USER]);
    const running = client.run();
    await started.promise;
    const first = await pause('twice');
    const second = await pause('twice');
    expect(first.status).toBe(202);
    expect(second).toEqual(first);
    release.resolve();
    const events = await running;
    expect(lastOfType<Finished>(events, 'RUN_FINISHED').outcome!.interrupts).toHaveLength(1);
    const pending = await getJson(`${env.bridge.url}/interrupts?status=pending&threadId=twice`);
    expect(pending.interrupts).toHaveLength(1);
    expect(env.llm.calls).toHaveLength(1);
  });

  it('refuses a resume note that does not match the responseSchema', async () => {
    env = await start();
    const { interruptId } = await runAndPause('bad-note', 'while tool A runs');
    const wrong = await post(`/interrupts/${interruptId}/resolve`, {
      status: 'resolved',
      payload: { note: 5 },
    });
    expect(wrong).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
    const extra = await post(`/interrupts/${interruptId}/resolve`, {
      status: 'resolved',
      payload: { approved: true },
    });
    expect(extra).toMatchObject({ status: 400, body: { error: { code: 'INVALID_INPUT' } } });
  });
});

describe('a pause that finds no safe point', () => {
  it('lapses when the turn executes nothing on the bridge: the run ends on its approval as it would have', async () => {
    env = await start();
    const started = deferred();
    const release = deferred();
    env.llm.push({
      toolCalls: [{ id: 'call-r', name: 'refund_order', arguments: '{"id":"42"}' }],
      hold: () => {
        started.resolve();
        return release.promise;
      },
    });
    const client = agentClient(env.bridge.url, 'assistant', 'lapse-1', [USER]);
    const running = client.run();
    await started.promise;
    expect((await pause('lapse-1')).status).toBe(202);
    release.resolve();
    const events = await running;
    expect(lastOfType<Finished>(events, 'RUN_FINISHED').outcome?.interrupts).toEqual([
      expect.objectContaining({ reason: 'tool_approval', toolCallId: 'call-r' }),
    ]);
  });
});

describe('maxIterations across a pause', () => {
  it('counts the LLM calls before the pause: the limit applies to the whole logical run', async () => {
    env = await start();
    const started = deferred();
    const release = deferred();
    holdTool = (call) => {
      if (bodyOf(call).toolCallId !== 'call-1') return undefined;
      started.resolve();
      return release.promise;
    };
    // The assistant allows 6 LLM calls; this model never stops calling tools.
    env.llm.push(...Array.from({ length: 6 }, (_, i) => ({ toolCalls: [lookup(`call-${i + 1}`, `${i}`)] })));
    const client = agentClient(env.bridge.url, 'assistant', 'iterations', [USER]);
    const running = client.run();
    await started.promise;
    await pause('iterations');
    release.resolve();
    await running;
    const interruptId = client.agent.pendingInterrupts[0]!.id;
    expect(env.llm.calls).toHaveLength(1);
    const events = await client.run({ resume: [{ interruptId, status: 'resolved' }] });
    expect(lastOfType(events, 'RUN_ERROR')).toMatchObject({ code: 'MAX_ITERATIONS' });
    expect(env.llm.calls).toHaveLength(6);
  });
});

describe('a paused run cancelled', () => {
  it('ends the logical run: waiting calls get a "cancelled" result, the model is not called again', async () => {
    env = await start();
    const paused = await runAndPause('cancel-1', 'while the second LLM call streams');
    const callsBefore = env.llm.calls.length;
    const events = await paused.run({
      resume: [{ interruptId: paused.interruptId, status: 'cancelled', payload: { note: 'not needed' } }],
    });
    const results = events.filter((e) => e.type === 'TOOL_CALL_RESULT') as unknown as {
      toolCallId: string;
      content: string;
    }[];
    expect(results.map((r) => r.toolCallId)).toEqual(['call-b', 'call-c']);
    expect(results.every((r) => r.content.includes('cancelled'))).toBe(true);
    expect(lastOfType<Finished>(events, 'RUN_FINISHED').outcome).toEqual({ type: 'cancelled' });
    expect(env.llm.calls).toHaveLength(callsBefore);
    expect(toolCallsOf('cancel-1')).toEqual(['call-a']);
    const thread = await getJson(`${env.bridge.url}/threads/cancel-1`);
    expect(thread).toMatchObject({ status: 'idle', pendingInterrupts: [] });
    const [record] = (await getJson(`${env.bridge.url}/interrupts?threadId=cancel-1`)).interrupts;
    expect(record).toMatchObject({ status: 'cancelled', payload: { note: 'not needed' } });
  });
});

describe('a continuation that died after taking the paused calls over', () => {
  it('never runs them twice: the next run tells the model they may have run', async () => {
    env = await start();
    const paused = await runAndPause('died-1', 'while the second LLM call streams');
    // What a continuation killed mid-tool leaves: the pause resolved and claimed, the turn still pending.
    const { interrupts } = env.bridge.runtime.store;
    const at = new Date();
    await interrupts.resolve([
      { id: paused.interruptId, status: 'APPROVED', resolvedBy: 'test', resolvedVia: 'api', at },
    ]);
    expect(await interrupts.claimExecution(paused.interruptId, at)).toBe(true);

    env.llm.push({ text: ['I could not confirm orders 2 and 3.'] });
    // A fresh client: the paused one still counts the interrupt as pending.
    const next = agentClient(env.bridge.url, 'assistant', 'died-1', paused.agent.messages);
    const events = await next.run();
    const results = events.filter((e) => e.type === 'TOOL_CALL_RESULT') as unknown as {
      toolCallId: string;
      content: string;
    }[];
    expect(results.map((r) => [r.toolCallId, r.content.includes('may already have run')])).toEqual([
      ['call-b', true],
      ['call-c', true],
    ]);
    expect(toolCallsOf('died-1')).toEqual(['call-a']);
    expect((await getJson(`${env.bridge.url}/threads/died-1`)).status).toBe('idle');
  });
});
