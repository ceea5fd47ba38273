import { describe, expect, it } from 'vitest';
import type { Message } from '@ag-ui/core';
import {
  createStoredConversations,
  sameJson,
  storedAsSentIn,
  type MessageBatchText,
} from '../../../src/store/sql/stored-conversations.js';

const user = (id: string, content: string): Message => ({ id, role: 'user', content });
const batch = (seq: number, ...messages: Message[]): MessageBatchText => ({
  seq,
  data: JSON.stringify(messages),
});
const created = new Date('2026-11-23T10:00:00.000Z');
const contentOf = (stored: ReadonlyMap<string, unknown> | undefined, id: string) =>
  (stored?.get(id) as Message | undefined)?.content;

describe('sameJson', () => {
  const parsed = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

  it('is true for a value and its own JSON, nested objects and arrays included', () => {
    const value = {
      id: 'a',
      role: 'assistant',
      toolCalls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{"x":[1,2]}' } }],
      n: 1.5,
      ok: true,
      none: null,
    };
    expect(sameJson(value, parsed(value))).toBe(true);
  });

  it('is false for any difference of value, type, length or key', () => {
    const base = { id: 'a', list: [1, 'two', { three: 3 }] };
    expect(sameJson(base, parsed({ ...base, id: 'b' }))).toBe(false);
    expect(sameJson(base, parsed({ id: 'a', list: [1, 'two', { three: '3' }] }))).toBe(false);
    expect(sameJson(base, parsed({ id: 'a', list: [1, 'two'] }))).toBe(false);
    expect(sameJson(base, parsed({ ...base, extra: 1 }))).toBe(false);
    expect(sameJson({ ...base, extra: 1 }, parsed(base))).toBe(false);
    expect(sameJson({ a: 1 }, parsed({ b: 1 }))).toBe(false);
    expect(sameJson({ a: [] }, parsed({ a: {} }))).toBe(false);
    expect(sameJson({ a: null }, parsed({ a: 0 }))).toBe(false);
  });

  it('compares what JSON.stringify writes: undefined left out, or null in an array; non-finite numbers as null', () => {
    expect(sameJson({ a: 1, b: undefined }, parsed({ a: 1 }))).toBe(true);
    expect(sameJson([1, undefined], [1, null])).toBe(true);
    expect(sameJson({ n: Number.NaN }, { n: null })).toBe(true);
    expect(sameJson({ n: -0 }, parsed({ n: 0 }))).toBe(true);
    expect(sameJson({ a: undefined }, parsed({ a: null }))).toBe(false);
  });

  it('takes the same keys in another order as the same value', () => {
    expect(sameJson({ a: 1, b: 2 }, parsed({ b: 2, a: 1 }))).toBe(true);
  });

  it('compares anything but plain data as its JSON text', () => {
    const at = new Date('2026-11-23T10:00:00.000Z');
    expect(sameJson({ at }, parsed({ at }))).toBe(true);
    expect(sameJson(at, at.toISOString())).toBe(true);
    expect(sameJson({ at }, parsed({ at: new Date(at.getTime() + 1) }))).toBe(false);
  });
});

describe('createStoredConversations', () => {
  const one = batch(1, user('a', '1'));
  const two = batch(2, user('b', '2'));

  it('reads a thread whole once, then only the batches from the last one it read', () => {
    const conversations = createStoredConversations();
    expect(conversations.from('t')).toBe(0);
    const first = conversations.apply('t', created, 0, 2, [one, two]);
    expect([contentOf(first?.byId, 'a'), first?.lastBatch]).toEqual(['1', 2]);
    expect(conversations.from('t')).toBe(2);
    const next = conversations.apply('t', created, 2, 3, [
      two,
      batch(3, user('a', '1, edited'), user('c', '3')),
    ]);
    expect(['a', 'b', 'c'].map((id) => contentOf(next?.byId, id))).toEqual(['1, edited', '2', '3']);
    expect(conversations.from('t')).toBe(3);
  });

  it("refuses what does not continue the thread's entry, which is then read whole", () => {
    const conversations = createStoredConversations();
    const refused = (createdAt: Date, from: number, lastBatch: number, batches: MessageBatchText[]) => {
      conversations.apply('t', created, 0, 2, [one, two]);
      const answer = conversations.apply('t', createdAt, from, lastBatch, batches);
      // A refusal drops the entry: the next begin reads the thread whole.
      return answer === undefined && conversations.from('t') === 0;
    };
    // Another thread of the same id (deleted and created again), at another instant.
    expect(refused(new Date(created.getTime() + 1), 2, 2, [two])).toBe(true);
    // At the same instant: its batch at the entry's last one is another.
    expect(refused(created, 2, 2, [batch(2, user('b', 'other'))])).toBe(true);
    // At the same instant with fewer batches: the entry's last one is missing.
    expect(refused(created, 2, 1, [])).toBe(true);
    // Read from another batch than the entry's last one (another begin moved it meanwhile).
    expect(refused(created, 1, 2, [one, two])).toBe(true);
    // Batches that stop before the thread's last one (the thread deleted while they were read).
    expect(refused(created, 2, 4, [two, batch(3, user('c', '3'))])).toBe(true);
    // After an entry that is gone.
    expect(conversations.apply('u', created, 3, 3, [batch(3, user('c', '3'))])).toBeUndefined();
  });

  it("answers the batches' last one when they go past the thread's (committed after its row was read)", () => {
    const conversations = createStoredConversations();
    conversations.apply('t', created, 0, 1, [one]);
    const stored = conversations.apply('t', created, 1, 1, [one, two]);
    expect([stored?.lastBatch, contentOf(stored?.byId, 'b')]).toEqual([2, '2']);
  });

  it('forgets a thread', () => {
    const conversations = createStoredConversations();
    conversations.apply('t', created, 0, 1, [one]);
    conversations.forget('t');
    expect(conversations.from('t')).toBe(0);
  });

  it('drops the least recently used threads past its bound, never the one just read', () => {
    const big = (seq: number, id: string) => batch(seq, user(id, 'x'.repeat(10_000)));
    const size = big(1, 'a').data.length;
    const conversations = createStoredConversations(size * 2.5);
    conversations.apply('t1', created, 0, 1, [big(1, 'a')]);
    conversations.apply('t2', created, 0, 1, [big(1, 'b')]);
    // t1 used again: t2 is now the least recently used.
    conversations.apply('t1', created, 1, 1, [big(1, 'a')]);
    conversations.apply('t3', created, 0, 1, [big(1, 'c')]);
    expect(['t1', 't2', 't3'].map((t) => conversations.from(t))).toEqual([1, 0, 1]);
    // One thread past the bound alone is kept until another is read.
    conversations.apply('t4', created, 0, 3, [big(1, 'd'), big(2, 'e'), big(3, 'f')]);
    expect(['t1', 't3', 't4'].map((t) => conversations.from(t))).toEqual([0, 0, 3]);
  });
});

describe('storedAsSentIn', () => {
  it('answers whether a message is stored with the same content', () => {
    const conversations = createStoredConversations();
    const stored = conversations.apply('t', created, 0, 1, [batch(1, user('a', '1'))])!;
    const storedAsSent = storedAsSentIn(stored.byId);
    expect(storedAsSent(user('a', '1'))).toBe(true);
    expect(storedAsSent(user('a', '1, edited'))).toBe(false);
    expect(storedAsSent(user('b', '1'))).toBe(false);
  });
});
