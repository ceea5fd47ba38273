import { describe, expect, it } from 'vitest';
import { EventType, type BaseEvent } from '@ag-ui/core';
import { MessageSchema } from '@ag-ui/core/schemas';
import { createMessageAccumulator } from '../../../src/bridge/message-accumulator.js';

const events: BaseEvent[] = [
  { type: EventType.TEXT_MESSAGE_START, messageId: 'm1', role: 'assistant' } as BaseEvent,
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm1', delta: 'Looking ' } as BaseEvent,
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm1', delta: 'it up.' } as BaseEvent,
  { type: EventType.TEXT_MESSAGE_END, messageId: 'm1' } as BaseEvent,
  {
    type: EventType.TOOL_CALL_START,
    toolCallId: 't1',
    toolCallName: 'lookup',
    parentMessageId: 'm1',
  } as BaseEvent,
  { type: EventType.TOOL_CALL_ARGS, toolCallId: 't1', delta: '{"id":' } as BaseEvent,
  { type: EventType.TOOL_CALL_ARGS, toolCallId: 't1', delta: '1}' } as BaseEvent,
  { type: EventType.TOOL_CALL_END, toolCallId: 't1' } as BaseEvent,
  { type: EventType.TOOL_CALL_RESULT, messageId: 'r1', toolCallId: 't1', content: 'found' } as BaseEvent,
  { type: EventType.TOOL_CALL_START, toolCallId: 't2', toolCallName: 'confirm' } as BaseEvent,
  { type: EventType.TOOL_CALL_END, toolCallId: 't2' } as BaseEvent,
  // A call first, then text on the same message.
  {
    type: EventType.TOOL_CALL_START,
    toolCallId: 't3',
    toolCallName: 'note',
    parentMessageId: 'm3',
  } as BaseEvent,
  { type: EventType.TOOL_CALL_END, toolCallId: 't3' } as BaseEvent,
  { type: EventType.TEXT_MESSAGE_START, messageId: 'm3', role: 'assistant' } as BaseEvent,
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm3', delta: 'Noted' } as BaseEvent,
  { type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm3', delta: '.' } as BaseEvent,
  { type: EventType.TEXT_MESSAGE_END, messageId: 'm3' } as BaseEvent,
];

describe('message accumulator', () => {
  it('builds the messages a client builds from the same events', () => {
    const accumulator = createMessageAccumulator();
    for (const event of events) accumulator.apply(event);
    expect(accumulator.messages()).toEqual([
      {
        id: 'm1',
        role: 'assistant',
        content: 'Looking it up.',
        toolCalls: [{ id: 't1', type: 'function', function: { name: 'lookup', arguments: '{"id":1}' } }],
      },
      { id: 'r1', role: 'tool', content: 'found', toolCallId: 't1' },
      {
        id: 't2',
        role: 'assistant',
        toolCalls: [{ id: 't2', type: 'function', function: { name: 'confirm', arguments: '' } }],
      },
      {
        id: 'm3',
        role: 'assistant',
        content: 'Noted.',
        toolCalls: [{ id: 't3', type: 'function', function: { name: 'note', arguments: '' } }],
      },
    ]);
    expect([...accumulator.answered()]).toEqual(['t1']);
  });

  it('stores each message in the form a validated input has, so sent back unchanged it compares equal', () => {
    const accumulator = createMessageAccumulator();
    for (const event of events) accumulator.apply(event);
    for (const message of accumulator.messages()) {
      expect(JSON.stringify(message)).toBe(JSON.stringify(MessageSchema.parse(message)));
    }
  });
});
