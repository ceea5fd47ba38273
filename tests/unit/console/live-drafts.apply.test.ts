import { describe, expect, it } from 'vitest';
import { LiveDrafts } from '../../../console/src/live-drafts.js';

const events = [
  { type: 'RUN_STARTED', threadId: 't', runId: 'r2' },
  { type: 'TOOL_CALL_RESULT', messageId: 'm-result', toolCallId: 'c1', content: '{"ok":true}' },
  { type: 'TEXT_MESSAGE_START', messageId: 'm-text', role: 'assistant' },
  { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-text', delta: 'Hel' },
  { type: 'TEXT_MESSAGE_CONTENT', messageId: 'm-text', delta: 'lo' },
  { type: 'TEXT_MESSAGE_END', messageId: 'm-text' },
  { type: 'TOOL_CALL_START', toolCallId: 'c2', toolCallName: 'lookup', parentMessageId: 'm-text' },
  { type: 'TOOL_CALL_ARGS', toolCallId: 'c2', delta: '{"id":' },
  { type: 'TOOL_CALL_ARGS', toolCallId: 'c2', delta: '"7"}' },
  { type: 'TOOL_CALL_END', toolCallId: 'c2' },
];

describe('LiveDrafts (the run in flight, drawn from its events)', () => {
  it('builds the messages a run streams, with the ids the stored messages will have', () => {
    const drafts = new LiveDrafts();
    for (const event of events) drafts.apply(event);
    expect(drafts.pending([])).toEqual([
      { id: 'm-result', role: 'tool', toolCallId: 'c1', content: '{"ok":true}' },
      {
        id: 'm-text',
        role: 'assistant',
        content: 'Hello',
        toolCalls: [{ id: 'c2', function: { name: 'lookup', arguments: '{"id":"7"}' } }],
      },
    ]);
  });

  it('yields to the stored messages of the same id, and starts over with the next run', () => {
    const drafts = new LiveDrafts();
    for (const event of events) drafts.apply(event);
    expect(drafts.pending([{ id: 'm-result', role: 'tool' }]).map((m) => m.id)).toEqual(['m-text']);
    expect(drafts.apply({ type: 'RUN_STARTED', threadId: 't', runId: 'r3' })).toBe(true);
    expect(drafts.pending([])).toEqual([]);
    expect(drafts.apply({ type: 'STATE_SNAPSHOT', snapshot: {} })).toBe(false);
  });
});
