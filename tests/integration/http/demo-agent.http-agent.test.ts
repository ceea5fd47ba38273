import { afterEach, describe, expect, it } from 'vitest';
import { HttpAgent } from '@ag-ui/client';
import type { BaseEvent, Message } from '@ag-ui/core';
import { startTestBridge, type TestBridge } from '../../fixtures/test-bridge.js';

let bridge: TestBridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

/** Runs the demo agent through the real AG-UI client, which verifies every event it receives. */
async function runDemo(url: string, threadId: string, messages: Message[]) {
  const agent = new HttpAgent({ url: `${url}/agent/demo/run`, threadId, initialMessages: messages });
  const events: BaseEvent[] = [];
  const result = await agent.runAgent({}, { onEvent: ({ event }) => void events.push(event) });
  return { agent, events, result };
}

describe('demo agent through HttpAgent', () => {
  it('streams every event kind, verified by @ag-ui/client, and stores it all in order', async () => {
    bridge = await startTestBridge();
    const { agent, events } = await runDemo(bridge.url, 'thread-demo', [
      { id: 'u1', role: 'user', content: 'hello there' },
    ]);

    const types = new Set(events.map((e) => e.type));
    for (const type of [
      'RUN_STARTED',
      'STEP_STARTED',
      'STATE_SNAPSHOT',
      'STATE_DELTA',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'TOOL_CALL_START',
      'TOOL_CALL_ARGS',
      'TOOL_CALL_END',
      'TOOL_CALL_RESULT',
      'STEP_FINISHED',
      'RUN_FINISHED',
    ]) {
      expect(types, type).toContain(type);
    }
    expect(agent.state).toMatchObject({ turn: 1, lastQuestion: 'hello there' });

    const stored = (await (await fetch(`${bridge.url}/threads/thread-demo/events`)).json()) as {
      events: { seq: number; event: BaseEvent }[];
    };
    expect(stored.events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(stored.events.map((e) => e.event)).toEqual(events);

    const messages = (await (await fetch(`${bridge.url}/threads/thread-demo/messages`)).json()) as Message[];
    expect(messages).toEqual(agent.messages);
    const state = await (await fetch(`${bridge.url}/threads/thread-demo/state`)).json();
    expect(state).toEqual(agent.state);
  });

  it('continues a thread: the second run sees the first run state and history', async () => {
    bridge = await startTestBridge();
    const first = await runDemo(bridge.url, 'thread-2', [{ id: 'u1', role: 'user', content: 'one' }]);
    first.agent.addMessage({ id: 'u2', role: 'user', content: 'two' });
    await first.agent.runAgent();
    expect(first.agent.state).toMatchObject({ turn: 2, lastQuestion: 'two' });

    const summary = (await (await fetch(`${bridge.url}/threads/thread-2`)).json()) as {
      status: string;
      runs: { status: string }[];
    };
    expect(summary.status).toBe('idle');
    expect(summary.runs.map((r) => r.status)).toEqual(['success', 'success']);
    const messages = (await (await fetch(`${bridge.url}/threads/thread-2/messages`)).json()) as Message[];
    expect(messages.map((m) => m.id)).toEqual(first.agent.messages.map((m) => m.id));
  });

  it('ends with RUN_ERROR when asked to fail, and records the error', async () => {
    bridge = await startTestBridge();
    const agent = new HttpAgent({
      url: `${bridge.url}/agent/demo/run`,
      threadId: 'thread-err',
      initialMessages: [{ id: 'u1', role: 'user', content: 'please error now' }],
    });
    const errors: BaseEvent[] = [];
    await agent
      .runAgent({}, { onRunErrorEvent: ({ event }) => void errors.push(event) })
      .catch(() => undefined);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'INTERNAL_ERROR' });
    const summary = (await (await fetch(`${bridge.url}/threads/thread-err`)).json()) as {
      runs: { status: string; error: { code: string } }[];
    };
    expect(summary.runs[0]).toMatchObject({ status: 'error', error: { code: 'INTERNAL_ERROR' } });
  });
});
