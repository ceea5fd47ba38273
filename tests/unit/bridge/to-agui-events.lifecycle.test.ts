import { describe, expect, it } from 'vitest';
import { concat, from, NEVER, Observable, Subject, throwError } from 'rxjs';
import type { BaseEvent } from '@ag-ui/core';
import { toAguiEvents } from '../../../src/bridge/to-agui-events.js';
import type { AgentEvent } from '../../../src/protocol/agent-event.js';
import { LlmError } from '../../../src/protocol/bridge-error.js';
import { collectVerified, typesOf } from '../../fixtures/collect-verified.js';

function options(extra: Partial<Parameters<typeof toAguiEvents>[0]> = {}) {
  let id = 0;
  return { threadId: 't1', runId: 'r1', now: () => 1000, generateId: () => `id-${++id}`, ...extra };
}

const agentEvents = (...events: AgentEvent[]): Observable<AgentEvent> => from(events);
const run = (agent$: Observable<AgentEvent>, extra = {}) =>
  collectVerified(agent$.pipe(toAguiEvents(options(extra))));
const field = (event: BaseEvent | undefined, name: string) =>
  (event as unknown as Record<string, unknown>)[name];

describe('toAguiEvents lifecycle', () => {
  it('opens, streams and closes a text message between RUN_STARTED and RUN_FINISHED', async () => {
    const events = await run(
      agentEvents({ type: 'text_delta', delta: 'Hel' }, { type: 'text_delta', delta: 'lo' }),
    );
    expect(typesOf(events)).toEqual([
      'RUN_STARTED',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'RUN_FINISHED',
    ]);
    expect(field(events[0], 'threadId')).toBe('t1');
    expect(field(events[1], 'messageId')).toBe(field(events[4], 'messageId'));
    expect(events.every((e) => e.timestamp === 1000)).toBe(true);
  });

  it('starts a new message when the messageId changes and skips empty deltas', async () => {
    const events = await run(
      agentEvents(
        { type: 'text_delta', messageId: 'a', delta: 'one' },
        { type: 'text_delta', messageId: 'a', delta: '' },
        { type: 'text_delta', messageId: 'b', delta: 'two' },
      ),
    );
    expect(typesOf(events)).toEqual([
      'RUN_STARTED',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'RUN_FINISHED',
    ]);
  });

  it('closes open text before a tool call, and closes a tool call the agent never ended', async () => {
    const events = await run(
      agentEvents(
        { type: 'text_delta', messageId: 'm', delta: 'calling' },
        { type: 'tool_call_start', toolCallId: 'c1', toolName: 'lookup', parentMessageId: 'm' },
        { type: 'tool_call_args', toolCallId: 'c1', delta: '{"id":1}' },
      ),
    );
    expect(typesOf(events)).toEqual([
      'RUN_STARTED',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'TOOL_CALL_START',
      'TOOL_CALL_ARGS',
      'TOOL_CALL_END',
      'RUN_FINISHED',
    ]);
    expect(field(events[4], 'toolCallName')).toBe('lookup');
    expect(field(events[4], 'parentMessageId')).toBe('m');
  });

  it('ends an open tool call before its result', async () => {
    const events = await run(
      agentEvents(
        { type: 'tool_call_start', toolCallId: 'c1', toolName: 'lookup' },
        { type: 'tool_result', toolCallId: 'c1', content: '{"ok":true}', messageId: 'r' },
      ),
    );
    expect(typesOf(events)).toEqual([
      'RUN_STARTED',
      'TOOL_CALL_START',
      'TOOL_CALL_END',
      'TOOL_CALL_RESULT',
      'RUN_FINISHED',
    ]);
    expect(events[3]).toMatchObject({
      toolCallId: 'c1',
      content: '{"ok":true}',
      messageId: 'r',
      role: 'tool',
    });
  });

  it('maps state snapshots, JSON-Patch deltas, steps and custom events', async () => {
    const events = await run(
      agentEvents(
        { type: 'step_start', stepName: 'plan' },
        { type: 'state_snapshot', state: { n: 1 } },
        { type: 'state_patch', patch: [{ op: 'replace', path: '/n', value: 2 }] },
        { type: 'custom', name: 'note', value: { x: 1 } },
        { type: 'step_end', stepName: 'plan' },
      ),
    );
    expect(typesOf(events)).toEqual([
      'RUN_STARTED',
      'STEP_STARTED',
      'STATE_SNAPSHOT',
      'STATE_DELTA',
      'CUSTOM',
      'STEP_FINISHED',
      'RUN_FINISHED',
    ]);
    expect(field(events[2], 'snapshot')).toEqual({ n: 1 });
    expect(field(events[3], 'delta')).toEqual([{ op: 'replace', path: '/n', value: 2 }]);
  });

  it('finishes steps the agent left open', async () => {
    const events = await run(
      agentEvents({ type: 'step_start', stepName: 'a' }, { type: 'step_start', stepName: 'b' }),
    );
    expect(typesOf(events)).toEqual([
      'RUN_STARTED',
      'STEP_STARTED',
      'STEP_STARTED',
      'STEP_FINISHED',
      'STEP_FINISHED',
      'RUN_FINISHED',
    ]);
    expect(events.slice(3, 5).map((e) => field(e, 'stepName'))).toEqual(['b', 'a']);
  });

  it('sums usage per provider and model on RUN_FINISHED', async () => {
    const events = await run(
      agentEvents(
        {
          type: 'usage',
          usage: { provider: 'p', model: 'm1', inputTokens: 10, outputTokens: 2, totalTokens: 12 },
        },
        {
          type: 'usage',
          usage: { provider: 'p', model: 'm1', inputTokens: 5, outputTokens: 1, totalTokens: 6 },
        },
        {
          type: 'usage',
          usage: { provider: 'p', model: 'm2', inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        },
      ),
    );
    expect(field(events.at(-1), 'usage')).toEqual([
      { provider: 'p', model: 'm1', inputTokens: 15, outputTokens: 3, totalTokens: 18 },
      { provider: 'p', model: 'm2', inputTokens: 1, outputTokens: 1, totalTokens: 2 },
    ]);
  });

  it('puts the agent outcome and result on RUN_FINISHED', async () => {
    const events = await run(
      agentEvents({
        type: 'outcome',
        outcome: { type: 'success', pendingToolCallIds: ['c9'] },
        result: { done: 1 },
      }),
    );
    expect(events.at(-1)).toMatchObject({
      type: 'RUN_FINISHED',
      outcome: { type: 'success', pendingToolCallIds: ['c9'] },
      result: { done: 1 },
    });
  });
});

describe('toAguiEvents with a misbehaving agent', () => {
  it('turns an exception mid-message into a closed message and RUN_ERROR with a generic message', async () => {
    const agent$ = concat(
      agentEvents({ type: 'text_delta', delta: 'partial' }),
      throwError(() => new Error('secret database password in stack')),
    );
    const events = await run(agent$);
    expect(typesOf(events)).toEqual([
      'RUN_STARTED',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'RUN_ERROR',
    ]);
    expect(events.at(-1)).toMatchObject({ code: 'INTERNAL_ERROR', message: 'Internal error' });
  });

  it('keeps the code and message of a bridge error', async () => {
    const events = await run(throwError(() => new LlmError('Upstream answered HTTP 500')));
    expect(events.at(-1)).toMatchObject({
      type: 'RUN_ERROR',
      code: 'LLM_ERROR',
      message: 'Upstream answered HTTP 500',
    });
  });

  it('ends with RUN_ERROR on an error event and ignores whatever the agent emits after it', async () => {
    const events = await run(
      agentEvents(
        { type: 'tool_call_start', toolCallId: 'c1', toolName: 'x' },
        { type: 'error', code: 'TOOL_ERROR', message: 'tool broke' },
        { type: 'text_delta', delta: 'after the end' },
        { type: 'state_snapshot', state: {} },
      ),
    );
    expect(typesOf(events)).toEqual(['RUN_STARTED', 'TOOL_CALL_START', 'TOOL_CALL_END', 'RUN_ERROR']);
    expect(events.at(-1)).toMatchObject({ code: 'TOOL_ERROR', message: 'tool broke' });
  });

  it('ignores events a raw observable pushes after completing', async () => {
    const agent$ = new Observable<AgentEvent>((subscriber) => {
      subscriber.next({ type: 'text_delta', delta: 'hi' });
      subscriber.complete();
      subscriber.next({ type: 'text_delta', delta: 'too late' });
    });
    const events = await run(agent$);
    expect(typesOf(events)).toEqual([
      'RUN_STARTED',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'RUN_FINISHED',
    ]);
  });

  it('refuses arguments for a tool call that is not open', async () => {
    const events = await run(agentEvents({ type: 'tool_call_args', toolCallId: 'ghost', delta: '{}' }));
    expect(events.at(-1)).toMatchObject({ type: 'RUN_ERROR', code: 'INTERNAL_ERROR' });
  });

  it('refuses a tool call started twice and a step ended without starting', async () => {
    const twice = await run(
      agentEvents(
        { type: 'tool_call_start', toolCallId: 'c', toolName: 'x' },
        { type: 'tool_call_end', toolCallId: 'c' },
        { type: 'tool_call_start', toolCallId: 'c', toolName: 'x' },
      ),
    );
    expect(twice.at(-1)).toMatchObject({ type: 'RUN_ERROR' });
    const step = await run(agentEvents({ type: 'step_end', stepName: 'nope' }));
    expect(step.at(-1)).toMatchObject({ type: 'RUN_ERROR' });
  });

  it('cancels: unsubscribes the agent, closes what is open, ends with outcome cancelled', async () => {
    const cancel$ = new Subject<void>();
    let unsubscribed = false;
    const agent$ = new Observable<AgentEvent>((subscriber) => {
      subscriber.next({ type: 'text_delta', delta: 'working' });
      queueMicrotask(() => cancel$.next());
      return () => {
        unsubscribed = true;
      };
    });
    const events = await run(concat(agent$, NEVER), { cancel$ });
    expect(typesOf(events)).toEqual([
      'RUN_STARTED',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'RUN_FINISHED',
    ]);
    expect(events.at(-1)).toMatchObject({ outcome: { type: 'cancelled' } });
    expect(unsubscribed).toBe(true);
  });
});
