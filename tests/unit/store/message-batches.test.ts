import { describe, expect, it } from 'vitest';
import type { Message } from '@ag-ui/core';
import { fromMessageBatches } from '../../../src/store/message-batches.js';

const user = (id: string, content: string): Message => ({ id, role: 'user', content });
const batch = (...messages: Message[]) => ({ data: JSON.stringify(messages) });

describe('fromMessageBatches', () => {
  it('reads the batches in order as one conversation', () => {
    const rows = [batch(user('a', '1')), batch(user('b', '2'), user('c', '3')), batch(user('d', '4'))];
    expect(fromMessageBatches(rows).map((m) => m.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps a message stored again at its first place, with its last content', () => {
    const rows = [
      batch(user('a', '1'), user('b', '2')),
      batch(user('c', '3'), user('a', '1, edited')),
      batch(user('a', '1, edited twice'), user('d', '4')),
    ];
    expect(fromMessageBatches(rows).map((m) => [m.id, m.content])).toEqual([
      ['a', '1, edited twice'],
      ['b', '2'],
      ['c', '3'],
      ['d', '4'],
    ]);
  });

  it('reads no batches as no messages', () => {
    expect(fromMessageBatches([])).toEqual([]);
  });
});
