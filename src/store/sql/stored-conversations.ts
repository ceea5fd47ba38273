import type { Message } from '@ag-ui/core';

/** A `MessageBatch` row as the cache reads it (message-batches.ts): its `seq` and JSON array. */
export interface MessageBatchText {
  seq: number;
  data: string;
}

/** One thread's stored conversation, as of its message batch `upTo`. */
interface Conversation {
  /** The thread row's `createdAt` (ms): a thread deleted and created again is another thread. */
  createdAt: number;
  upTo: number;
  /** The text of batch `upTo`, read again with the next batches: the same thread goes on from it. */
  upToData: string;
  /** Each message id's last stored form, as parsed from its batch. */
  byId: Map<string, unknown>;
  /** The characters of the batches read into it and `ENTRY_CHARS` (a bound of what it holds). */
  size: number;
}

/** What `StoredConversations.apply` answers. */
export interface StoredConversation {
  /** Each message id's last stored form. */
  byId: ReadonlyMap<string, unknown>;
  /**
   * The thread's last batch as read, at least the `lastBatch` given: a statement after the one
   * that read `lastBatch` may see batches committed in between (PostgreSQL, read committed).
   */
  lastBatch: number;
}

/**
 * What a run's begin compares its input with (`BeginRunReads.storedAsSent`), kept per thread
 * between runs. AG-UI clients send the whole conversation with every run: reading all of a
 * thread's message batches at each begin made a run's start cost grow with the thread's history
 * (about 30 ms on the event loop with 1000 earlier runs, docs/benchmarks-history.md, step 38). A
 * thread's entry is brought up to date by reading only the batches from its last one on (batches
 * are appended in `seq` order and never rewritten), written by any writer, on any instance.
 *
 * Usage: `from()` says which batches to read (those with `seq >= from()`); `apply()` takes them,
 * read after the thread's row and its last batch `lastBatch`, and answers the stored forms, or
 * `undefined` when what was read does not continue the entry (then read them all: `from` 0).
 */
export interface StoredConversations {
  /**
   * The first `seq` of the thread's batches to read: the entry's last batch (read again, to check
   * that the thread is the one it read), 0 for all of them. Asked before the thread's row is read
   * (PostgreSQL sends both reads at once).
   */
  from(threadId: string): number;
  /** The thread's stored forms by id, `batches` (those from `from`, in `seq` order) applied. */
  apply(
    threadId: string,
    createdAt: Date,
    from: number,
    lastBatch: number,
    batches: readonly MessageBatchText[],
  ): StoredConversation | undefined;
  /** Drops a thread's entry (the thread was deleted, or a write of its messages failed). */
  forget(threadId: string): void;
}

/**
 * Characters of message batches held by default, all threads together (parsed, about two to three
 * times as many bytes of heap): the least recently used threads are dropped first.
 */
export const STORED_CONVERSATIONS_MAX_CHARS = 8 * 1024 * 1024;

/** What an entry costs besides its batches' characters (its maps and records), in characters. */
const ENTRY_CHARS = 256;

/** See `StoredConversations`; `maxChars` bounds what all entries hold together. */
export function createStoredConversations(maxChars = STORED_CONVERSATIONS_MAX_CHARS): StoredConversations {
  // A Map iterates in insertion order: re-inserting an entry on use keeps the least recent first.
  const entries = new Map<string, Conversation>();
  let held = 0;
  const drop = (threadId: string): void => {
    const entry = entries.get(threadId);
    if (!entry) return;
    entries.delete(threadId);
    held -= entry.size;
  };
  /**
   * The entry `batches` continue: read from its last batch, which they start with unchanged, for
   * a thread created at the same instant. A thread deleted and created again by another instance
   * has another `createdAt`, or other batches, or fewer. (What a begin read in a SQLite group
   * whose commit then failed is forgotten by that store: sqlite-run-writes.ts.)
   */
  const continued = (
    threadId: string,
    createdAt: Date,
    from: number,
    batches: readonly MessageBatchText[],
  ) => {
    const known = entries.get(threadId);
    const first = batches[0];
    if (!known || known.upTo !== from || known.createdAt !== createdAt.getTime()) return undefined;
    return first?.seq === from && first.data === known.upToData ? known : undefined;
  };
  return {
    from: (threadId) => entries.get(threadId)?.upTo ?? 0,
    apply(threadId, createdAt, from, lastBatch, batches) {
      const known = from > 0 ? continued(threadId, createdAt, from, batches) : undefined;
      drop(threadId);
      if (from > 0 && !known) return undefined;
      const entry: Conversation = known ?? {
        createdAt: createdAt.getTime(),
        upTo: 0,
        upToData: '',
        byId: new Map(),
        size: ENTRY_CHARS,
      };
      for (const batch of batches) {
        if (batch.seq <= entry.upTo) continue;
        for (const message of JSON.parse(batch.data) as Message[]) entry.byId.set(message.id, message);
        entry.size += batch.data.length;
        entry.upTo = batch.seq;
        entry.upToData = batch.data;
      }
      // Fewer batches than the thread's row said it had: a thread deleted meanwhile.
      if (entry.upTo < lastBatch) return undefined;
      entries.set(threadId, entry);
      held += entry.size;
      for (const id of entries.keys()) {
        if (held <= maxChars || id === threadId) break;
        drop(id);
      }
      return { byId: entry.byId, lastBatch: entry.upTo };
    },
    forget: drop,
  };
}

/**
 * `storedAsSent` over a thread's stored forms: a message is stored as sent when it is the same
 * JSON value as the stored one (`sameJson`).
 */
export function storedAsSentIn(stored: ReadonlyMap<string, unknown>): (message: Message) => boolean {
  return (message) => {
    const known = stored.get(message.id);
    return known !== undefined && sameJson(message, known);
  };
}

/**
 * Whether `value` is the JSON value `parsed` (made by `JSON.parse`) is: whether their texts
 * would be the same but for the order of their keys, without building either. A run's begin
 * compares every message of a conversation (AG-UI clients send all of it), and serializing each
 * cost more than the rest of the begin together. What `JSON.stringify` leaves out of an object is
 * left out, what it writes as `null` is compared with `null`; anything but plain data is compared
 * as text.
 */
export function sameJson(value: unknown, parsed: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value === parsed;
    case 'number':
      return Number.isFinite(value) ? value === parsed : parsed === null;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return parsed === null;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && ((proto !== Object.prototype && proto !== null) || 'toJSON' in value)) {
    return JSON.stringify(value) === JSON.stringify(parsed);
  }
  if (parsed === null || typeof parsed !== 'object') return false;
  if (Array.isArray(value)) {
    if (!Array.isArray(parsed) || value.length !== parsed.length) return false;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (omitted(item) ? parsed[i] !== null : !sameJson(item, parsed[i])) return false;
    }
    return true;
  }
  if (Array.isArray(parsed)) return false;
  // The same keys (none repeats), each with the same value; no array of keys or entries is made.
  const other = parsed as Record<string, unknown>;
  let keys = 0;
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (omitted(item)) continue;
    if (!Object.hasOwn(other, key) || !sameJson(item, other[key])) return false;
    keys++;
  }
  for (const key in other) if (Object.hasOwn(other, key) && --keys < 0) return false;
  return keys === 0;
}

/** Values `JSON.stringify` leaves out of an object (and writes as `null` in an array). */
function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
