import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@ag-ui/core';
import { createThreadSnapshot } from '../../../src/protocol/thread-snapshot.js';
import type { BridgeStore } from '../../../src/store/bridge-store.js';
import type { NewInterrupt } from '../../../src/store/interrupt-store.js';
import { beginRunInput, finishRunInput, RUN_AT } from '../../fixtures/run-records.js';

/** A store under test and how to dispose of it. */
export interface StoreUnderTest {
  store: BridgeStore;
  dispose(): Promise<void>;
}

const at = RUN_AT;

/** A plain approval interrupt with no tool call, as a run ending interrupted records it. */
function approval(id: string, extra: Partial<NewInterrupt> = {}): NewInterrupt {
  return {
    id,
    reason: 'tool_approval',
    message: 'ok?',
    toolCallId: null,
    toolName: null,
    args: null,
    responseSchema: null,
    expiresAt: null,
    ...extra,
  };
}

const finish = finishRunInput;

function begin(
  store: BridgeStore,
  threadId: string,
  runId: string,
  options: { tenantId?: string; messages?: Message[] } = {},
) {
  return store.threads.beginRun(beginRunInput(threadId, runId, options));
}

/** The behaviour every BridgeStore implementation must have (SQLite and PostgreSQL run it). */
export function describeBridgeStoreContract(name: string, make: () => Promise<StoreUnderTest>): void {
  describe(`${name} store contract`, () => {
    let subject: StoreUnderTest;
    let store: BridgeStore;
    beforeAll(async () => {
      subject = await make();
      store = subject.store;
    }, 120_000);
    afterAll(() => subject.dispose());

    it('creates a thread on its first run and records the run; a reused runId is refused', async () => {
      const { thread } = await begin(store, 'c-1', 'c-1-r1');
      expect(thread).toMatchObject({ id: 'c-1', tenantId: 'default', agentId: 'agent' });
      expect((await store.threads.get('c-1'))?.status).toBe('running');
      await expect(begin(store, 'c-1', 'c-1-r1')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      expect(await store.threads.runningRuns()).toContainEqual({ threadId: 'c-1', runId: 'c-1-r1' });
    });

    it('appends new messages in order and replaces known ids in place', async () => {
      await begin(store, 'c-2', 'c-2-r1', {
        messages: [
          { id: 'a', role: 'user', content: 'one' },
          { id: 'b', role: 'user', content: 'two' },
        ],
      });
      await store.threads.finishRun(
        finish('c-2', 'c-2-r1', {
          messages: [
            { id: 'c', role: 'assistant', content: 'three' },
            { id: 'a', role: 'user', content: 'one, edited' },
          ],
        }),
      );
      expect(await store.threads.messages('c-2')).toEqual([
        { id: 'a', role: 'user', content: 'one, edited' },
        { id: 'b', role: 'user', content: 'two' },
        { id: 'c', role: 'assistant', content: 'three' },
      ]);
      const [run] = await store.threads.runs('c-2');
      expect(run).toMatchObject({
        runId: 'c-2-r1',
        status: 'success',
        outcome: { type: 'success' },
        usage: [{ totalTokens: 3 }],
      });
      expect((await store.threads.get('c-2'))?.snapshot).toEqual(createThreadSnapshot({ n: 1 }));
    });

    it('merges a begin that carries the whole conversation: new ids appended, edits in place', async () => {
      // AG-UI clients send every message of the thread with each run.
      const one = { id: 'w-a', role: 'user', content: 'one' } satisfies Message;
      const two = { id: 'w-b', role: 'user', content: 'two' } satisfies Message;
      await begin(store, 'c-whole', 'c-whole-r1', { messages: [one, two] });
      const answer = { id: 'w-c', role: 'assistant', content: 'three' } satisfies Message;
      await store.threads.finishRun(finish('c-whole', 'c-whole-r1', { messages: [answer] }));
      const edited = { id: 'w-b', role: 'user', content: 'two, edited' } satisfies Message;
      const next = { id: 'w-d', role: 'user', content: 'four' } satisfies Message;
      await begin(store, 'c-whole', 'c-whole-r2', { messages: [one, edited, answer, next] });
      await store.threads.finishRun(
        finish('c-whole', 'c-whole-r2', { messages: [{ id: 'w-e', role: 'assistant', content: 'five' }] }),
      );
      expect((await store.threads.messages('c-whole')).map((m) => [m.id, m.content])).toEqual([
        ['w-a', 'one'],
        ['w-b', 'two, edited'],
        ['w-c', 'three'],
        ['w-d', 'four'],
        ['w-e', 'five'],
      ]);
    });

    it('compares a begin with the last content of each message: an edit undone is stored again', async () => {
      const one = { id: 'x-a', role: 'user', content: 'one' } satisfies Message;
      const edited = { id: 'x-a', role: 'user', content: 'one, edited' } satisfies Message;
      const two = { id: 'x-b', role: 'user', content: 'two' } satisfies Message;
      await begin(store, 'c-undo-edit', 'c-undo-edit-r1', { messages: [one] });
      await store.threads.finishRun(finish('c-undo-edit', 'c-undo-edit-r1'));
      await begin(store, 'c-undo-edit', 'c-undo-edit-r2', { messages: [edited] });
      await store.threads.finishRun(finish('c-undo-edit', 'c-undo-edit-r2'));
      // The original text again: it differs from the last stored content, not from the first.
      await begin(store, 'c-undo-edit', 'c-undo-edit-r3', { messages: [one, two] });
      expect(await store.threads.messages('c-undo-edit')).toEqual([one, two]);
      // Unchanged since: nothing is stored again.
      await store.threads.finishRun(finish('c-undo-edit', 'c-undo-edit-r3'));
      await begin(store, 'c-undo-edit', 'c-undo-edit-r4', { messages: [one, two] });
      expect(await store.threads.messages('c-undo-edit')).toEqual([one, two]);
    });

    it('compares a begin on a thread deleted and created again with its new conversation only', async () => {
      const one = { id: 'r-a', role: 'user', content: 'one' } satisfies Message;
      const two = { id: 'r-b', role: 'assistant', content: 'two' } satisfies Message;
      await begin(store, 'c-again', 'c-again-r1', { messages: [one] });
      await store.threads.finishRun(finish('c-again', 'c-again-r1', { messages: [two] }));
      // A second begin: the thread's conversation is now kept between its runs.
      await begin(store, 'c-again', 'c-again-r2', { messages: [one, two] });
      await store.threads.finishRun(finish('c-again', 'c-again-r2'));
      expect(await store.threads.delete('c-again')).toBe(true);
      // The same id again, created at the same instant, with as many message batches as before.
      const edited = { id: 'r-a', role: 'user', content: 'one, edited' } satisfies Message;
      const three = { id: 'r-c', role: 'assistant', content: 'three' } satisfies Message;
      await begin(store, 'c-again', 'c-again-r3', { messages: [edited] });
      await store.threads.finishRun(finish('c-again', 'c-again-r3', { messages: [three] }));
      // `one` was stored in the thread deleted, not in this one: it is stored again.
      await begin(store, 'c-again', 'c-again-r4', { messages: [one, three] });
      expect(await store.threads.messages('c-again')).toEqual([one, three]);
    });

    it('stores a long run end whole: every message in order, known ids replaced in place', async () => {
      const known = (i: number, content = `known ${i}`): Message => ({ id: `k${i}`, role: 'user', content });
      await begin(store, 'c-long', 'c-long-r1', { messages: [known(0), known(1), known(2)] });
      // 101 new messages (not a multiple of any statement's row count) with the known ids in
      // between, so the replaced rows fall in the middle of the statements that write the new ones.
      const produced: Message[] = Array.from({ length: 101 }, (_, i) => ({
        id: `n${i}`,
        role: 'assistant',
        content: `new ${i}`,
      }));
      produced.splice(40, 0, known(1, 'known 1, edited'));
      produced.splice(90, 0, known(2, 'known 2, edited'));
      await store.threads.finishRun(
        finish('c-long', 'c-long-r1', {
          messages: produced,
          toolCalls: Array.from({ length: 70 }, (_, i) => ({
            toolCallId: `tc${i}`,
            name: 'lookup',
            kind: 'backend' as const,
            status: 'EXECUTED' as const,
          })),
        }),
      );
      const stored = await store.threads.messages('c-long');
      expect(stored.map((m) => m.id)).toEqual([
        'k0',
        'k1',
        'k2',
        ...Array.from({ length: 101 }, (_, i) => `n${i}`),
      ]);
      expect(stored[1]).toEqual({ id: 'k1', role: 'user', content: 'known 1, edited' });
      expect(stored[2]).toEqual({ id: 'k2', role: 'user', content: 'known 2, edited' });
      expect(stored[103]).toEqual({ id: 'n100', role: 'assistant', content: 'new 100' });
      const calls = Array.from({ length: 71 }, (_, i) => `tc${i}`);
      const issued = await store.interrupts.issuedToolCalls('c-long', calls);
      expect(issued.sort()).toEqual(calls.slice(0, 70).sort());
      expect((await store.threads.runs('c-long'))[0]).toMatchObject({ status: 'success' });
    });

    it('returns the stored thread from a begin: as created, or as the last run left it', async () => {
      const { thread: created } = await begin(store, 'c-back', 'c-back-r1', { tenantId: 'tenant-back' });
      expect(created).toEqual({
        id: 'c-back',
        tenantId: 'tenant-back',
        agentId: 'agent',
        status: 'running',
        snapshot: createThreadSnapshot({}),
        createdAt: at,
        updatedAt: at,
      });
      const finishedAt = new Date(at.getTime() + 1234);
      await store.threads.finishRun(finish('c-back', 'c-back-r1', { finishedAt }));
      const stored = await store.threads.get('c-back');
      expect(stored).toMatchObject({ status: 'idle', createdAt: at, updatedAt: finishedAt });
      // The thread before this run: what the previous run's end stored, not yet marked running.
      const { thread } = await begin(store, 'c-back', 'c-back-r2');
      expect(thread).toEqual(stored);
      expect((await store.threads.get('c-back'))?.status).toBe('running');
    });

    it('refuses one of two begins of the same runId made at once', async () => {
      await begin(store, 'c-twice', 'c-twice-r1');
      await store.threads.finishRun(finish('c-twice', 'c-twice-r1'));
      const results = await Promise.allSettled([
        begin(store, 'c-twice', 'c-twice-r2'),
        begin(store, 'c-twice', 'c-twice-r2'),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = results.find((r) => r.status === 'rejected');
      expect(refused?.reason).toMatchObject({ code: 'INVALID_INPUT' });
      expect((await store.threads.runs('c-twice')).map((r) => r.runId)).toEqual(['c-twice-r1', 'c-twice-r2']);
    });

    it('stores a run end of more rows than one statement binds (PostgreSQL: 65535 parameters)', async () => {
      await begin(store, 'c-huge', 'c-huge-r1');
      // 10,000 messages of 7 columns: more than one statement of PostgreSQL holds (9362 rows).
      const produced: Message[] = Array.from({ length: 10_000 }, (_, i) => ({
        id: `h${i}`,
        role: 'assistant',
        content: `${i}`,
      }));
      await store.threads.finishRun(finish('c-huge', 'c-huge-r1', { messages: produced }));
      expect(await store.threads.messages('c-huge')).toEqual(produced);
      await begin(store, 'c-huge', 'c-huge-r2');
      await store.threads.finishRun(
        finish('c-huge', 'c-huge-r2', { messages: [{ id: 'after', role: 'user', content: 'x' }] }),
      );
      expect((await store.threads.messages('c-huge')).at(-1)?.id).toBe('after');
    });

    it('rolls back a failing run end entirely: the thread, its run and messages stay as they were', async () => {
      await begin(store, 'c-undo', 'c-undo-r1', { messages: [{ id: 'u', role: 'user', content: 'hi' }] });
      const before = {
        thread: await store.threads.get('c-undo'),
        runs: await store.threads.runs('c-undo'),
        messages: await store.threads.messages('c-undo'),
      };
      const broken = approval('c-undo-i');
      await expect(
        store.threads.finishRun(
          finish('c-undo', 'c-undo-r1', {
            finishedAt: new Date(at.getTime() + 5000),
            snapshot: createThreadSnapshot({ changed: true }),
            messages: [
              { id: 'u', role: 'user', content: 'edited' },
              { id: 'v', role: 'assistant', content: 'new' },
            ],
            toolCalls: [{ toolCallId: 'c-undo-tc', name: 'refund', kind: 'approval', status: 'GATED' }],
            // The same interrupt id twice: refused after the messages and tool calls were written.
            interrupts: [broken, broken],
          }),
        ),
      ).rejects.toThrow();
      expect({
        thread: await store.threads.get('c-undo'),
        runs: await store.threads.runs('c-undo'),
        messages: await store.threads.messages('c-undo'),
      }).toEqual(before);
      expect(await store.interrupts.issuedToolCalls('c-undo', ['c-undo-tc'])).toEqual([]);
      // The same end without the fault then goes in whole.
      await store.threads.finishRun(finish('c-undo', 'c-undo-r1', { interrupts: [broken] }));
      expect((await store.interrupts.get('c-undo-i'))?.status).toBe('PENDING');
    });

    it("logs a run's last events with its end, atomically, and refuses events that do not continue the log", async () => {
      const event = (seq: number, type = 'CUSTOM') => ({
        seq,
        runId: 'c-end-r1',
        type,
        json: `{"type":"${type}","seq":${seq}}`,
      });
      await begin(store, 'c-end', 'c-end-r1');
      await store.events.append('c-end', [event(1), event(2)]);
      const before = {
        thread: await store.threads.get('c-end'),
        runs: await store.threads.runs('c-end'),
        events: await store.events.read('c-end', 0, 10),
      };
      // A gap (seq 4 after 2), then a seq already logged: each refused with nothing of the end written.
      for (const first of [4, 2]) {
        await expect(
          store.threads.finishRun(finish('c-end', 'c-end-r1', { events: [event(first, 'RUN_FINISHED')] })),
        ).rejects.toMatchObject({ name: 'EventSequenceError' });
        expect({
          thread: await store.threads.get('c-end'),
          runs: await store.threads.runs('c-end'),
          events: await store.events.read('c-end', 0, 10),
        }).toEqual(before);
      }
      // An end that fails on its own writes leaves its events out too.
      await expect(
        store.threads.finishRun(
          finish('c-end', 'c-end-r1', {
            events: [event(3, 'RUN_FINISHED')],
            interrupts: [approval('c-end-i'), approval('c-end-i')],
          }),
        ),
      ).rejects.toThrow();
      expect(await store.events.lastSeq('c-end')).toBe(2);
      // Continuing the log: the events and the end go in together.
      await store.threads.finishRun(
        finish('c-end', 'c-end-r1', { events: [event(3), event(4, 'RUN_FINISHED')] }),
      );
      expect(await store.events.read('c-end', 2, 10)).toEqual([event(3), event(4, 'RUN_FINISHED')]);
      expect(await store.events.lastSeq('c-end')).toBe(4);
      expect((await store.threads.runs('c-end'))[0]).toMatchObject({ status: 'success' });
      expect((await store.threads.get('c-end'))?.status).toBe('idle');
    });

    it('logs events in batches, reads them after a sequence number, and refuses a duplicate seq atomically', async () => {
      await begin(store, 'c-3', 'c-3-r1');
      const events = Array.from({ length: 2500 }, (_, i) => ({
        seq: i + 1,
        runId: 'c-3-r1',
        type: 'CUSTOM',
        json: `{"i":${i}}`,
      }));
      await store.events.append('c-3', events);
      expect(await store.events.lastSeq('c-3')).toBe(2500);
      expect(await store.events.lastSeq('nobody')).toBe(0);
      const page = await store.events.read('c-3', 100, 3);
      expect(page).toEqual(events.slice(100, 103));
      await expect(
        store.events.append('c-3', [
          { seq: 2501, runId: 'c-3-r1', type: 'CUSTOM', json: '{}' },
          { seq: 2500, runId: 'c-3-r1', type: 'CUSTOM', json: '{}' },
        ]),
      ).rejects.toThrow();
      expect(await store.events.lastSeq('c-3')).toBe(2500);
    });

    it('reads from any sequence number across many batches of two runs, within a limit', async () => {
      await begin(store, 'c-40', 'c-40-r1');
      const events: { seq: number; runId: string; type: string; json: string }[] = [];
      // 40 appends of 1 to 7 events; the run changes halfway (and so, inside one append, the row).
      for (let batch = 0; batch < 40; batch++) {
        const appended = Array.from({ length: (batch % 7) + 1 }, (_, i) => {
          const seq = events.length + 1 + i;
          return { seq, runId: seq <= 80 ? 'c-40-r1' : 'c-40-r2', type: 'CUSTOM', json: `{"seq":${seq}}` };
        });
        await store.events.append('c-40', appended);
        events.push(...appended);
      }
      const last = events.length;
      expect(await store.events.lastSeq('c-40')).toBe(last);
      for (const after of [0, 1, 2, 3, 5, 6, 27, 79, 80, 81, 100, last - 1, last, last + 5]) {
        for (const limit of [1, 4, 50, 1000]) {
          expect(await store.events.read('c-40', after, limit)).toEqual(events.slice(after, after + limit));
        }
      }
    });

    it('lists threads per tenant, newest first, with a cursor', async () => {
      // Distinct end times: the order must not depend on how fast the store is.
      for (const [i, id] of ['l-1', 'l-2', 'l-3'].entries()) {
        await begin(store, id, `${id}-r`, { tenantId: 'tenant-list' });
        const finishedAt = new Date(Date.UTC(2030, 0, 1, 0, 0, i));
        await store.threads.finishRun(finish(id, `${id}-r`, { finishedAt }));
      }
      const first = await store.threads.list({ tenantId: 'tenant-list', limit: 2 });
      expect(first.threads.map((t) => t.id)).toEqual(['l-3', 'l-2']);
      const second = await store.threads.list({
        tenantId: 'tenant-list',
        limit: 2,
        cursor: first.nextCursor!,
      });
      expect(second.threads.map((t) => t.id)).toEqual(['l-1']);
      expect(second.nextCursor).toBeNull();
    });

    it('records interrupts with the run and moves them by compare-and-set only', async () => {
      await begin(store, 'c-4', 'c-4-r1');
      await store.threads.finishRun(
        finish('c-4', 'c-4-r1', {
          status: 'interrupted',
          threadStatus: 'interrupted',
          toolCalls: [{ toolCallId: 'tc', name: 'refund', kind: 'approval', status: 'GATED' }],
          interrupts: [
            {
              id: 'i-1',
              reason: 'tool_approval',
              message: 'ok?',
              toolCallId: 'tc',
              toolName: 'refund',
              args: '{}',
              responseSchema: { type: 'object' },
              expiresAt: new Date(at.getTime() + 1000),
            },
            approval('i-2'),
          ],
        }),
      );
      expect((await store.interrupts.forRun('c-4', 'c-4-r1')).map((i) => [i.id, i.status])).toEqual([
        ['i-1', 'PENDING'],
        ['i-2', 'PENDING'],
      ]);
      const resolution = (id: string) => ({
        id,
        status: 'APPROVED' as const,
        resolvedBy: 'me',
        resolvedVia: 'api' as const,
        at,
      });
      // Concurrent answers to one interrupt: exactly one wins.
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => store.interrupts.resolve([resolution('i-1')])),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      // A batch with one loser changes nothing.
      await expect(store.interrupts.resolve([resolution('i-2'), resolution('i-1')])).rejects.toMatchObject({
        code: 'INTERRUPT_NOT_PENDING',
      });
      expect((await store.interrupts.get('i-2'))?.status).toBe('PENDING');
      expect(await store.interrupts.claimExecution('i-1', at)).toBe(true);
      expect(await store.interrupts.claimExecution('i-1', at)).toBe(false);
      await store.interrupts.saveResult('i-1', '{"ok":true}');
      expect(await store.interrupts.get('i-1')).toMatchObject({
        status: 'EXECUTED',
        result: '{"ok":true}',
        resolvedBy: 'me',
      });
      expect(
        await store.interrupts.list({ tenantId: 'default', status: 'PENDING', threadId: 'c-4', limit: 10 }),
      ).toHaveLength(1);
    });

    it('expires pending interrupts past their expiry and keeps an audit trail', async () => {
      await begin(store, 'c-5', 'c-5-r1');
      const expiresAt = new Date(at.getTime() + 60_000);
      await store.threads.finishRun(
        finish('c-5', 'c-5-r1', {
          interrupts: [approval('e-1', { message: null, expiresAt })],
        }),
      );
      expect(await store.interrupts.expireDue(new Date(at.getTime() + 30_000))).toBe(0);
      expect(await store.interrupts.expireDue(new Date(at.getTime() + 61_000))).toBeGreaterThanOrEqual(1);
      expect((await store.interrupts.get('e-1'))?.status).toBe('EXPIRED');
      await store.interrupts.audit({
        at,
        tenantId: 'audit-t',
        actor: 'x',
        action: 'resolve',
        target: 'e-1',
        code: 'INTERRUPT_EXPIRED',
        message: 'late',
      });
      expect(await store.interrupts.auditTrail({ tenantId: 'audit-t', limit: 5 })).toEqual([
        {
          at,
          tenantId: 'audit-t',
          actor: 'x',
          action: 'resolve',
          target: 'e-1',
          code: 'INTERRUPT_EXPIRED',
          message: 'late',
        },
      ]);
    });

    it('refuses a bad append alone when appends of several threads arrive together', async () => {
      for (const id of ['g-1', 'g-2', 'g-3']) await begin(store, id, `${id}-r`);
      const event = (id: string, seq: number) => ({ seq, runId: `${id}-r`, type: 'CUSTOM', json: '{}' });
      const results = await Promise.allSettled([
        store.events.append('g-1', [event('g-1', 1), event('g-1', 2)]),
        store.events.append('g-2', [event('g-2', 5)]),
        store.events.append('g-3', [event('g-3', 1)]),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await store.events.lastSeq('g-1')).toBe(2);
      expect(await store.events.lastSeq('g-2')).toBe(0);
      expect((await store.events.read('g-3', 0, 10)).map((e) => e.seq)).toEqual([1]);
    });

    it('rolls back a failing run end alone when run ends and appends of several threads arrive together', async () => {
      for (const id of ['f-1', 'f-2', 'f-3']) await begin(store, id, `${id}-r`);
      const message = (id: string) => ({ id: `${id}-m`, role: 'assistant' as const, content: `from ${id}` });
      const interrupt = approval('f-dup');
      const results = await Promise.allSettled([
        store.threads.finishRun(finish('f-1', 'f-1-r', { messages: [message('f-1')] })),
        // The same interrupt id twice: its second insert fails after its message was written.
        store.threads.finishRun(
          finish('f-2', 'f-2-r', {
            status: 'interrupted',
            threadStatus: 'interrupted',
            messages: [message('f-2')],
            interrupts: [interrupt, interrupt],
          }),
        ),
        store.events.append('f-3', [{ seq: 1, runId: 'f-3-r', type: 'CUSTOM', json: '{}' }]),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((await store.threads.messages('f-1')).map((m) => m.id)).toEqual(['f-1-m']);
      expect(await store.threads.messages('f-2')).toEqual([]);
      expect((await store.threads.get('f-2'))?.status).toBe('running');
      expect(await store.interrupts.get('f-dup')).toBeNull();
      expect(await store.events.lastSeq('f-3')).toBe(1);
    });

    it('keeps events appended while another transaction is open and then rolled back', async () => {
      await begin(store, 'c-9', 'c-9-r1');
      const pending = approval('i-9');
      await store.threads.finishRun(
        finish('c-9', 'c-9-r1', {
          status: 'interrupted',
          threadStatus: 'interrupted',
          interrupts: [pending],
        }),
      );
      const answer = (id: string) => ({
        id,
        status: 'APPROVED' as const,
        resolvedBy: 'me',
        resolvedVia: 'api' as const,
        at,
      });
      // Its second entry names no interrupt: the transaction writes the first, then rolls back.
      const refused = store.interrupts.resolve([answer('i-9'), answer('no-such')]);
      refused.catch(() => undefined);
      // Appends in order, as a run makes them, while that transaction is open.
      for (let seq = 1; seq <= 20; seq++) {
        await store.events.append('c-9', [{ seq, runId: 'c-9-r1', type: 'CUSTOM', json: '{}' }]);
      }
      await expect(refused).rejects.toThrow();
      expect(await store.events.lastSeq('c-9')).toBe(20);
      expect((await store.events.read('c-9', 0, 100)).map((e) => e.seq)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      expect((await store.interrupts.get('i-9'))?.status).toBe('PENDING');
    });

    it('deletes a thread with everything it owns', async () => {
      await begin(store, 'c-6', 'c-6-r1');
      await store.events.append('c-6', [{ seq: 1, runId: 'c-6-r1', type: 'RUN_STARTED', json: '{}' }]);
      await store.threads.finishRun(
        finish('c-6', 'c-6-r1', {
          messages: [{ id: 'm', role: 'user', content: 'x' }],
          interrupts: [
            {
              id: 'd-1',
              reason: 'r',
              message: null,
              toolCallId: null,
              toolName: null,
              args: null,
              responseSchema: null,
              expiresAt: null,
            },
          ],
        }),
      );
      expect(await store.threads.delete('c-6')).toBe(true);
      expect(await store.threads.get('c-6')).toBeNull();
      expect(await store.events.lastSeq('c-6')).toBe(0);
      expect(await store.threads.messages('c-6')).toEqual([]);
      expect(await store.interrupts.get('d-1')).toBeNull();
      expect(await store.threads.delete('c-6')).toBe(false);
    });
  });
}
