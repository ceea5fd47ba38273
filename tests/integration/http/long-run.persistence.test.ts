import { afterEach, describe, expect, it } from 'vitest';
import { from } from 'rxjs';
import type { Agent } from '../../../src/agents/agent.js';
import type { AgentEvent } from '../../../src/protocol/agent-event.js';
import { verifyAgui } from '../../fixtures/run-agent-verified.js';
import { runInput } from '../../fixtures/run-input.js';
import { eventsOf, openSse } from '../../fixtures/sse-client.js';
import { startTestBridge, type TestBridge } from '../../fixtures/test-bridge.js';

let bridge: TestBridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

/** An agent that emits, in one synchronous burst, `messages` text messages and `calls` tool calls with results. */
function burstAgent(messages: number, calls: number): Agent {
  const events: AgentEvent[] = [];
  for (let i = 0; i < messages; i++) {
    events.push({ type: 'text_delta', messageId: `m${i}`, delta: `part one of ${i} ` });
    events.push({ type: 'text_delta', messageId: `m${i}`, delta: 'and two.' });
  }
  for (let i = 0; i < calls; i++) {
    events.push({
      type: 'tool_call_start',
      toolCallId: `c${i}`,
      toolName: 'lookup',
      parentMessageId: `a${i}`,
    });
    events.push({ type: 'tool_call_args', toolCallId: `c${i}`, delta: `{"i":${i}}` });
    events.push({ type: 'tool_result', toolCallId: `c${i}`, messageId: `r${i}`, content: `{"ok":${i}}` });
  }
  return {
    id: 'burst',
    name: 'Burst',
    description: 'A long run in one burst',
    capabilities: () => ({}),
    toolPolicies: () => [{ name: 'lookup', approval: 'never' }],
    run: () => from(events),
  };
}

describe('a long run', () => {
  it('stores thousands of messages, tool calls and events (past SQLite parameter limits) and streams them all', async () => {
    bridge = await startTestBridge({ extraAgents: [burstAgent(1500, 400)] });
    const frames = await openSse(`${bridge.url}/agent/burst/run`, runInput('long', 'r1')).ended;
    const events = eventsOf(frames);
    expect(events.at(-1)?.type).toBe('RUN_FINISHED');
    await verifyAgui(events as never);
    expect(frames.map((f) => Number(f.id))).toEqual(frames.map((_, i) => i + 1));

    const messages = (await (await fetch(`${bridge.url}/threads/long/messages`)).json()) as { id: string }[];
    // The user message, 1500 text messages, 400 assistant messages carrying a call, 400 results.
    expect(messages).toHaveLength(1 + 1500 + 400 + 400);
    const logged = (await (await fetch(`${bridge.url}/threads/long/events`)).json()) as { events: unknown[] };
    expect(logged.events).toHaveLength(events.length);
    const summary = (await (await fetch(`${bridge.url}/threads/long`)).json()) as {
      status: string;
      runs: { status: string }[];
    };
    expect(summary).toMatchObject({ status: 'idle', runs: [{ status: 'success' }] });
  });
});
