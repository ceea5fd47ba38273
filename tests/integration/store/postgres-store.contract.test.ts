import { describe, expect, it } from 'vitest';
import type { Message } from '@ag-ui/core';
import type { BridgeStore } from '../../../src/store/bridge-store.js';
import { openPostgresStore } from '../../../src/store/postgres/open-postgres-store.js';
import { createPostgresTestDatabase } from '../../fixtures/postgres-database.js';
import { beginRunInput, finishRunInput, RUN_AT } from '../../fixtures/run-records.js';
import { describeBridgeStoreContract } from './bridge-store.contract.js';

describeBridgeStoreContract('PostgreSQL', async () => {
  const database = await createPostgresTestDatabase();
  const store = await openPostgresStore(database.url);
  return {
    store,
    dispose: async () => {
      await store.close();
      await database.drop();
    },
  };
});

describe('PostgreSQL stores of two instances on one database', () => {
  const at = RUN_AT;
  const message = (id: string, content: string): Message => ({ id, role: 'user', content });
  const begin = (store: BridgeStore, runId: string, messages: Message[], startedAt = at) =>
    store.threads.beginRun(beginRunInput('t', runId, { messages, startedAt }));
  const finish = (store: BridgeStore, runId: string, messages: Message[] = []) =>
    store.threads.finishRun(finishRunInput('t', runId, { messages }));

  it('compares a begin with what the other instance stored since, and with a thread it created again', async () => {
    const database = await createPostgresTestDatabase();
    const a = await openPostgresStore(database.url);
    const b = await openPostgresStore(database.url);
    try {
      const one = message('a', 'one');
      const two = message('b', 'two');
      await begin(a, 'r1', [one]);
      await finish(a, 'r1', [two]);
      // A keeps the thread's conversation from here on.
      await begin(a, 'r2', [one, two]);
      await finish(a, 'r2');
      // B edits `one`; A's next begin sends the original again: it differs from the last content.
      await begin(b, 'r3', [message('a', 'one, edited'), two]);
      await finish(b, 'r3');
      await begin(a, 'r4', [one, two]);
      expect(await a.threads.messages('t')).toEqual([one, two]);
      await finish(a, 'r4');
      // B deletes the thread and creates it again later, with as many message batches as A read.
      expect(await b.threads.delete('t')).toBe(true);
      const later = new Date(at.getTime() + 60_000);
      const fresh = ['c', 'd', 'e', 'f'].map((id) => message(id, id));
      await begin(b, 'r5', [fresh[0]!], later);
      await finish(b, 'r5', [fresh[1]!]);
      await begin(b, 'r6', [fresh[0]!, fresh[1]!, fresh[2]!], later);
      await finish(b, 'r6', [fresh[3]!]);
      // `two` was stored in the thread deleted, not in this one: A stores it.
      await begin(a, 'r7', [...fresh, two], later);
      expect(await b.threads.messages('t')).toEqual([...fresh, two]);
      await finish(a, 'r7');
      // Deleted and created again at the same instant, with as many batches as A read: the batch
      // A read last is another, so A reads the thread whole, and stores `fresh[0]` again.
      expect(await b.threads.delete('t')).toBe(true);
      const other = ['g', 'h', 'i', 'j'].map((id) => message(id, id));
      await begin(b, 'r8', [other[0]!], later);
      await finish(b, 'r8', [other[1]!]);
      await begin(b, 'r9', [other[0]!, other[1]!, other[2]!], later);
      await finish(b, 'r9', [other[3]!]);
      await begin(a, 'r10', [...other, fresh[0]!], later);
      expect(await b.threads.messages('t')).toEqual([...other, fresh[0]]);
    } finally {
      await a.close();
      await b.close();
      await database.drop();
    }
  });
});
