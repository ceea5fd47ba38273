import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeStore } from '../../../src/store/bridge-store.js';
import type { UsageRecordInput } from '../../../src/store/usage-store.js';
import type { StoreUnderTest } from './bridge-store.contract.js';

const day1 = new Date('2026-11-20T23:59:59.000Z');
const day2 = new Date('2026-11-21T00:00:00.000Z');

function row(extra: Partial<UsageRecordInput>): UsageRecordInput {
  return {
    tenantId: 'acme',
    threadId: 't1',
    runId: 'r1',
    agentId: 'assistant',
    model: 'gpt-a',
    inputTokens: 100,
    outputTokens: 10,
    cachedTokens: 40,
    reasoningTokens: 2,
    costUsd: 0.5,
    at: day1,
    ...extra,
  };
}

/** UsageStore behaviour every database must have: SQL aggregation, tenant isolation, ranges. */
export function describeUsageStoreContract(name: string, make: () => Promise<StoreUnderTest>): void {
  describe(`${name} usage store contract`, () => {
    let subject: StoreUnderTest;
    let store: BridgeStore;
    beforeAll(async () => {
      subject = await make();
      store = subject.store;
      await store.usage.record([
        row({}),
        row({ runId: 'r2', at: day2 }),
        row({ threadId: 't2', runId: 'r1', model: 'unpriced', costUsd: null, at: day2 }),
        row({ threadId: 't2', runId: 'r1', agentId: 'other', costUsd: 0.25, at: day2 }),
        row({ tenantId: 'globex', threadId: 'g1', costUsd: 9 }),
      ]);
    });
    afterAll(() => subject.dispose());

    const range = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') };

    it('sums tokens, cost, calls and distinct runs of one tenant per agent, with totals', async () => {
      const summary = await store.usage.summarize({ tenantId: 'acme', ...range, groupBy: 'agent' });
      expect(summary.groups).toEqual([
        {
          key: 'assistant',
          inputTokens: 300,
          outputTokens: 30,
          cachedTokens: 120,
          reasoningTokens: 6,
          totalTokens: 330,
          costUsd: 1,
          calls: 3,
          runs: 3,
        },
        expect.objectContaining({ key: 'other', calls: 1, runs: 1, costUsd: 0.25 }),
      ]);
      expect(summary.totals).toMatchObject({ inputTokens: 400, totalTokens: 440, costUsd: 1.25, calls: 4 });
      expect(summary.totals.runs).toBe(3);
    });

    it('groups by tenant, thread, run, model and UTC day', async () => {
      const q = (groupBy: 'tenant' | 'thread' | 'run' | 'model' | 'day') =>
        store.usage.summarize({ tenantId: 'acme', ...range, groupBy });
      expect((await q('tenant')).groups.map((g) => g.key)).toEqual(['acme']);
      expect((await q('thread')).groups.map((g) => [g.key, g.calls])).toEqual([
        ['t1', 2],
        ['t2', 2],
      ]);
      // Ordered by run id, then thread.
      expect((await q('run')).groups.map((g) => [g.threadId, g.key, g.calls])).toEqual([
        ['t1', 'r1', 1],
        ['t2', 'r1', 2],
        ['t1', 'r2', 1],
      ]);
      const models = (await q('model')).groups;
      expect(models.map((g) => [g.key, g.costUsd])).toEqual([
        ['gpt-a', 1.25],
        ['unpriced', null],
      ]);
      expect((await q('day')).groups.map((g) => [g.key, g.calls])).toEqual([
        ['2026-11-20', 1],
        ['2026-11-21', 3],
      ]);
    });

    it('honours the range (from inclusive, to exclusive) and a thread filter', async () => {
      const onlyDay2 = await store.usage.summarize({
        tenantId: 'acme',
        from: day2,
        to: range.to,
        groupBy: 'agent',
      });
      expect(onlyDay2.totals.calls).toBe(3);
      const beforeDay2 = await store.usage.summarize({
        tenantId: 'acme',
        from: range.from,
        to: day2,
        groupBy: 'agent',
      });
      expect(beforeDay2.totals.calls).toBe(1);
      const t2 = await store.usage.summarize({
        tenantId: 'acme',
        ...range,
        groupBy: 'model',
        threadId: 't2',
      });
      expect(t2.totals).toMatchObject({ calls: 2, runs: 1 });
    });

    it('answers zeros and a null cost when nothing matches', async () => {
      const none = await store.usage.summarize({ tenantId: 'nobody', ...range, groupBy: 'agent' });
      expect(none).toEqual({
        groups: [],
        totals: {
          inputTokens: 0,
          outputTokens: 0,
          cachedTokens: 0,
          reasoningTokens: 0,
          totalTokens: 0,
          costUsd: null,
          calls: 0,
          runs: 0,
        },
      });
    });
  });
}
