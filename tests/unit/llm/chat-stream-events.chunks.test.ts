import { describe, expect, it } from 'vitest';
import { firstValueFrom, from, toArray } from 'rxjs';
import type { BaseEvent } from '@ag-ui/core';
import type { AgentEvent } from '../../../src/protocol/agent-event.js';
import { LlmError } from '../../../src/protocol/bridge-error.js';
import { toAguiEvents } from '../../../src/bridge/to-agui-events.js';
import { verifyAgui } from '../../fixtures/run-agent-verified.js';
import { chatStreamEvents, type AssistantTurn } from '../../../src/llm/chat-stream-events.js';

async function* chunksOf(chunks: unknown[]): AsyncGenerator<unknown> {
  for (const chunk of chunks) yield await Promise.resolve(chunk);
}

const chunk = (delta: Record<string, unknown>, finish_reason: string | null = null): unknown => ({
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-test',
  choices: [{ index: 0, delta, finish_reason }],
});

async function read(chunks: unknown[]): Promise<{ turn: AssistantTurn; events: AgentEvent[] }> {
  const events: AgentEvent[] = [];
  const turn = await chatStreamEvents(chunksOf(chunks), {
    messageId: 'm1',
    provider: 'test',
    emit: (e) => events.push(e),
  });
  return { turn, events };
}

async function readError(chunks: unknown[]): Promise<{ error: unknown; events: AgentEvent[] }> {
  const events: AgentEvent[] = [];
  const error: unknown = await chatStreamEvents(chunksOf(chunks), {
    messageId: 'm1',
    provider: 'test',
    emit: (e) => events.push(e),
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, events };
}

describe('chatStreamEvents', () => {
  it('streams text deltas under the turn message id and assembles the content', async () => {
    const { turn, events } = await read([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }),
      chunk({}, 'stop'),
    ]);
    expect(events).toEqual([
      { type: 'text_delta', messageId: 'm1', delta: 'Hel' },
      { type: 'text_delta', messageId: 'm1', delta: 'lo' },
      { type: 'text_end', messageId: 'm1' },
    ]);
    expect(turn).toEqual({ messageId: 'm1', content: 'Hello', toolCalls: [], finishReason: 'stop' });
  });

  it('assembles parallel tool calls streamed by index, interleaved', async () => {
    const { turn, events } = await read([
      chunk({ role: 'assistant', content: null }),
      chunk({
        tool_calls: [
          { index: 0, id: 'call_a', type: 'function', function: { name: 'lookup', arguments: '' } },
        ],
      }),
      chunk({
        tool_calls: [
          { index: 1, id: 'call_b', type: 'function', function: { name: 'weather', arguments: '{"ci' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"id":' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: 'ty":"Oslo"}' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"42"}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    expect(turn.toolCalls).toEqual([
      { id: 'call_a', name: 'lookup', arguments: '{"id":"42"}' },
      { id: 'call_b', name: 'weather', arguments: '{"city":"Oslo"}' },
    ]);
    expect(turn.finishReason).toBe('tool_calls');
    expect(events).toEqual([
      { type: 'tool_call_start', toolCallId: 'call_a', toolName: 'lookup', parentMessageId: 'm1' },
      { type: 'tool_call_start', toolCallId: 'call_b', toolName: 'weather', parentMessageId: 'm1' },
      { type: 'tool_call_args', toolCallId: 'call_b', delta: '{"ci' },
      { type: 'tool_call_args', toolCallId: 'call_a', delta: '{"id":' },
      { type: 'tool_call_args', toolCallId: 'call_b', delta: 'ty":"Oslo"}' },
      { type: 'tool_call_args', toolCallId: 'call_a', delta: '"42"}' },
      { type: 'tool_call_end', toolCallId: 'call_a' },
      { type: 'tool_call_end', toolCallId: 'call_b' },
    ]);
    // The interleaved calls still make a valid AG-UI stream.
    const agui: BaseEvent[] = await firstValueFrom(
      from(events).pipe(
        toAguiEvents({ threadId: 't', runId: 'r', now: () => 0, generateId: () => 'id' }),
        toArray(),
      ),
    );
    expect(await verifyAgui(agui)).toHaveLength(agui.length);
  });

  it('maps the usage chunk, cache and reasoning details included', async () => {
    const { turn, events } = await read([
      chunk({ content: 'Hi' }),
      chunk({}, 'stop'),
      {
        id: 'c1',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'gpt-test-2025',
        choices: [],
        usage: {
          prompt_tokens: 100,
          completion_tokens: 20,
          total_tokens: 120,
          prompt_tokens_details: { cached_tokens: 60 },
          completion_tokens_details: { reasoning_tokens: 8 },
        },
      },
    ]);
    const usage = {
      provider: 'test',
      model: 'gpt-test-2025',
      inputTokens: 100,
      outputTokens: 20,
      totalTokens: 120,
      cachedInputTokens: 60,
      reasoningTokens: 8,
    };
    expect(events.at(-1)).toEqual({ type: 'usage', usage });
    expect(turn.usage).toEqual(usage);
  });

  it('emits no usage when the endpoint sends none', async () => {
    const { turn, events } = await read([chunk({ content: 'Hi' }, 'stop')]);
    expect(turn.usage).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['text_delta', 'text_end']);
  });

  it.each([
    ['a chunk that is not an object', ['not a chunk']],
    ['a chunk with choices that are not a list', [{ choices: 'x' }]],
    [
      'a tool call delta without an id for a new index',
      [chunk({ tool_calls: [{ index: 0, function: { name: 'lookup', arguments: '{}' } }] })],
    ],
    [
      'a tool call delta without a name for a new index',
      [chunk({ tool_calls: [{ index: 0, id: 'call_a', function: { arguments: '{}' } }] })],
    ],
    [
      'a tool call delta without an index',
      [chunk({ tool_calls: [{ id: 'call_a', function: { name: 'lookup' } }] })],
    ],
  ])('rejects %s with LlmError', async (_label, chunks) => {
    const { error } = await readError([chunk({ content: 'Hi' }), ...chunks, chunk({}, 'stop')]);
    expect(error).toBeInstanceOf(LlmError);
    expect((error as LlmError).code).toBe('LLM_ERROR');
  });

  it('keeps the events emitted before a malformed chunk', async () => {
    const { events } = await readError([chunk({ content: 'Hi' }), 42]);
    expect(events).toEqual([{ type: 'text_delta', messageId: 'm1', delta: 'Hi' }]);
  });

  it('rejects a stream that ends before the model finished', async () => {
    const { error } = await readError([chunk({ content: 'Hal' })]);
    expect(error).toBeInstanceOf(LlmError);
    expect((error as Error).message).toMatch(/ended before the model finished/);
  });
});
