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
  /** Each message id's last stored form, as parsed from its batch. */
  byId: Map<string, unknown>;
  /** The characters of the batches read into it (a bound of what it holds), for the cache's bound. */
  size: number;
}

/**
 * What a run's begin compares its input with (`BeginRunReads.storedAsSent`), kept per thread
 * between runs. AG-UI clients send the whole conversation with every run: reading all of a
 * thread's message batches at each begin made a run's start cost grow with the thread's history
 * (about 30 ms on the event loop with 1000 earlier runs, docs/benchmarks-history.md). A thread's
 * entry is brought up to date by reading only the batches written after it (batches are appended
 * in `seq` order and never rewritten), by any writer, on any instance.
 *
 * Usage: `after()` says which batches to read; `apply()` takes them, read in the same
 * transaction as the thread's last batch `lastBatch`, and answers the stored forms, or `undefined`
 * when what was read cannot be trusted to continue the entry (then read everything: `after` 0).
 */
export interface StoredConversations {
  /**
   * The `seq` after which the thread's batches must be read (0: all of them). Asked before the
   * thread's row is read (PostgreSQL sends both reads at once): `apply` checks that the entry is
   * this thread's.
   */
  after(threadId: string): number;
  /** The thread's stored forms by id, with `batches` (those after `after`, in `seq` order) applied. */
  apply(
    threadId: string,
    createdAt: Date,
    after: number,
    lastBatch: number,
    batches: Iterable<MessageBatchText>,
  ): ReadonlyMap<string, unknown> | undefined;
  /** Drops a thread's entry (the thread was deleted, or a write of its messages failed). */
  forget(threadId: string): void;
}

/**
 * Characters of message batches held by default, all threads together (parsed, about two to three
 * times as many bytes of heap): the least recently used threads go first.
 */
export const STORED_CONVERSATIONS_MAX_CHARS = 8 * 1024 * 1024;

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
  return {
    after: (threadId) => entries.get(threadId)?.upTo ?? 0,
    apply(threadId, createdAt, after, lastBatch, batches) {
      const known = entries.get(threadId);
      // Read after an entry that is gone, or another thread's, or past the thread's end (a thread
      // deleted and created again within the same millisecond): what was read is not enough.
      const continues = known !== undefined && known.createdAt === createdAt.getTime() && known.upTo >= after;
      if (after > 0 && (!continues || lastBatch < known.upTo)) return undefined;
      drop(threadId);
      const entry: Conversation =
        after > 0 ? known! : { createdAt: createdAt.getTime(), upTo: 0, byId: new Map(), size: 0 };
      for (const batch of batches) {
        // Another begin of the thread may have brought the entry further meanwhile (PostgreSQL).
        if (batch.seq <= entry.upTo) continue;
        for (const message of JSON.parse(batch.data) as Message[]) entry.byId.set(message.id, message);
        entry.size += batch.data.length;
        entry.upTo = batch.seq;
      }
      // A batch missing between the entry and the thread's last one: not to be kept or trusted.
      if (entry.upTo !== lastBatch) return undefined;
      entries.set(threadId, entry);
      held += entry.size;
      for (const id of entries.keys()) {
        if (held <= maxChars || id === threadId) break;
        drop(id);
      }
      return entry.byId;
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
