import { describe, expect, it } from 'vitest';
import type { Message } from '@ag-ui/core';
import { toOpenAiMessages } from '../../../src/llm/to-openai-messages.js';
import { toOpenAiTools } from '../../../src/llm/to-openai-tools.js';

const call = (id: string, name: string, args: string) => ({
  id,
  type: 'function' as const,
  function: { name, arguments: args },
});

describe('toOpenAiMessages', () => {
  it('puts the system prompt first and converts every role', () => {
    const messages: Message[] = [
      { id: 's', role: 'system', content: 'Be brief.' },
      { id: 'd', role: 'developer', content: 'Use metric units.' },
      { id: 'u', role: 'user', content: 'Where is order 42?' },
      {
        id: 'a',
        role: 'assistant',
        content: 'Checking.',
        toolCalls: [call('c1', 'lookup_order', '{"id":"42"}')],
      },
      { id: 't', role: 'tool', toolCallId: 'c1', content: '{"status":"shipped"}' },
      { id: 'a2', role: 'assistant', content: 'It shipped.' },
    ];
    expect(toOpenAiMessages(messages, { systemPrompt: 'You are helpful.' })).toEqual([
      { role: 'system', content: 'You are helpful.' },
      { role: 'system', content: 'Be brief.' },
      { role: 'system', content: 'Use metric units.' },
      { role: 'user', content: 'Where is order 42?' },
      { role: 'assistant', content: 'Checking.', tool_calls: [call('c1', 'lookup_order', '{"id":"42"}')] },
      { role: 'tool', tool_call_id: 'c1', content: '{"status":"shipped"}' },
      { role: 'assistant', content: 'It shipped.' },
    ]);
  });

  it('keeps only the text parts of multimodal user content', () => {
    const messages: Message[] = [
      {
        id: 'u',
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', source: { type: 'url', value: 'https://example.com/x.png' } },
        ],
      } as Message,
    ];
    expect(toOpenAiMessages(messages)).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'What is this?' }] },
    ]);
  });

  it('adds the run context to the system message', () => {
    const result = toOpenAiMessages([], {
      systemPrompt: 'Hi.',
      context: [{ description: 'Cart', value: '3 items' }],
    });
    expect(result).toEqual([
      { role: 'system', content: 'Hi.\n\nContext from the application:\n- Cart: 3 items' },
    ]);
  });

  it('answers each tool call right after its assistant message, in call order, wherever the answer was', () => {
    const messages: Message[] = [
      { id: 'a', role: 'assistant', toolCalls: [call('c1', 'f', '{}'), call('c2', 'g', '{}')] },
      { id: 'u', role: 'user', content: 'never mind' },
      { id: 't2', role: 'tool', toolCallId: 'c2', content: 'two' },
      { id: 't9', role: 'tool', toolCallId: 'unknown', content: 'orphan' },
    ];
    expect(toOpenAiMessages(messages)).toEqual([
      { role: 'assistant', content: null, tool_calls: [call('c1', 'f', '{}'), call('c2', 'g', '{}')] },
      { role: 'tool', tool_call_id: 'c1', content: '{"error":"No result was provided for this tool call"}' },
      { role: 'tool', tool_call_id: 'c2', content: 'two' },
      { role: 'user', content: 'never mind' },
    ]);
  });

  it('reports a tool error when the tool message has no content', () => {
    const messages: Message[] = [
      { id: 'a', role: 'assistant', toolCalls: [call('c1', 'f', '{}')] },
      { id: 't', role: 'tool', toolCallId: 'c1', content: '', error: 'denied' },
    ];
    expect(toOpenAiMessages(messages)[1]).toEqual({
      role: 'tool',
      tool_call_id: 'c1',
      content: '{"error":"denied"}',
    });
  });
});

describe('toOpenAiTools', () => {
  it('converts declarations to function tools, giving parameterless ones an empty object schema', () => {
    expect(
      toOpenAiTools([
        { name: 'confirm', description: 'Ask the user' },
        {
          name: 'find',
          description: 'Find',
          parameters: { type: 'object', properties: { q: { type: 'string' } } },
        },
      ]),
    ).toEqual([
      {
        type: 'function',
        function: {
          name: 'confirm',
          description: 'Ask the user',
          parameters: { type: 'object', properties: {} },
        },
      },
      {
        type: 'function',
        function: {
          name: 'find',
          description: 'Find',
          parameters: { type: 'object', properties: { q: { type: 'string' } } },
        },
      },
    ]);
  });
});
