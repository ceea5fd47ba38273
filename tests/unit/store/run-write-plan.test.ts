import { describe, expect, it } from 'vitest';
import type { Message } from '@ag-ui/core';
import { planBeginRun, type BeginRunReads, type RunWrite } from '../../../src/store/sql/run-write-plan.js';
import type { BeginRunInput } from '../../../src/store/thread-store.js';

const at = new Date('2026-11-22T10:00:00.000Z');
const user = (id: string, content: string): Message => ({ id, role: 'user', content });

function beginInput(messages: Message[]): BeginRunInput {
  return {
    threadId: 't',
    runId: 'r2',
    tenantId: 'default',
    agentId: 'agent',
    input: { threadId: 't', runId: 'r2', messages, tools: [], context: [], state: { step: 2 } },
    startedAt: at,
    messages,
  };
}

const reads = (known: Message[], lastMessageBatch: number): BeginRunReads => ({
  runExists: false,
  threadExists: true,
  lastMessageBatch,
  storedAsSent: (message) => {
    const stored = known.find((m) => m.id === message.id);
    return stored !== undefined && JSON.stringify(stored) === JSON.stringify(message);
  },
});

const inserts = (writes: RunWrite[], table: string) =>
  writes.flatMap((w) => (w.kind === 'insert' && w.table === table ? w.rows : []));

describe('planBeginRun', () => {
  it('writes only the new and the changed messages of a whole conversation, as one batch', () => {
    const history = [user('a', 'one'), user('b', 'two'), user('c', 'three')];
    const input = [history[0]!, user('b', 'two, edited'), history[2]!, user('d', 'four')];
    const writes = planBeginRun(beginInput(input), reads(history, 7));

    // One row after the thread's last batch: the edited message (stored again; readers keep its
    // place) and the new one.
    const batches = inserts(writes, 'MessageBatch');
    expect(batches.map((row) => [row[0], row[1], row[2]])).toEqual([['t', 8, null]]);
    expect(JSON.parse(batches[0]![3] as string)).toEqual([input[1], input[3]]);
    expect(writes.some((w) => w.kind === 'statement' && w.sql.includes('"MessageBatch"'))).toBe(false);
  });

  it('writes nothing for a conversation the thread already has', () => {
    const history = [user('a', 'one'), user('b', 'two')];
    const writes = planBeginRun(beginInput(history), reads(history, 2));
    expect(inserts(writes, 'MessageBatch')).toEqual([]);
    expect(writes.some((w) => w.kind === 'statement' && w.sql.includes('Message'))).toBe(false);
  });

  it("keeps the run's input without its messages (they are the thread's conversation)", () => {
    const history = Array.from({ length: 50 }, (_, i) => user(`m${i}`, `message ${i}`));
    const [run] = inserts(planBeginRun(beginInput(history), reads(history, 50)), 'Run');
    const stored = JSON.parse(run![5] as string) as Record<string, unknown>;
    expect(stored).toEqual({ threadId: 't', runId: 'r2', tools: [], context: [], state: { step: 2 } });
  });
});
