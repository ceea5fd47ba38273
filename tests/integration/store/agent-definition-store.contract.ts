import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentDefinitionStore } from '../../../src/store/agent-definition-store.js';

/** An agent definition store under test and how to dispose of it. */
export interface AgentStoreUnderTest {
  store: AgentDefinitionStore;
  dispose(): Promise<void>;
}

const at = new Date('2026-11-22T02:00:00.000Z');
const change = (agentId: string, expectedVersion: number | null, definition: unknown) => ({
  agentId,
  expectedVersion,
  definition,
  createdAt: at,
  createdBy: 'ops',
});

/** The AgentDefinitionStore contract, run against every implementation. */
export function describeAgentDefinitionStoreContract(name: string, make: () => Promise<AgentStoreUnderTest>) {
  describe(`AgentDefinitionStore contract: ${name}`, () => {
    let subject: AgentStoreUnderTest;
    let store: AgentDefinitionStore;
    beforeAll(async () => {
      subject = await make();
      store = subject.store;
    });
    afterAll(() => subject?.dispose());

    it('appends versions 1, 2, … and reports the latest with its definition', async () => {
      const first = await store.append(change('a1', null, { model: 'm1' }));
      expect(first).toEqual({
        agentId: 'a1',
        version: 1,
        definition: { model: 'm1' },
        createdAt: at,
        createdBy: 'ops',
      });
      await store.append(change('a1', 1, { model: 'm2' }));
      expect(await store.get('a1')).toMatchObject({
        id: 'a1',
        currentVersion: 2,
        deleted: false,
        definition: { model: 'm2' },
      });
      expect((await store.versions('a1')).map((v) => [v.version, v.definition])).toEqual([
        [1, { model: 'm1' }],
        [2, { model: 'm2' }],
      ]);
    });

    it('records a deletion as a version with no definition, and continues numbering after it', async () => {
      await store.append(change('a2', null, { model: 'm' }));
      await store.append(change('a2', 1, null));
      expect(await store.get('a2')).toMatchObject({ currentVersion: 2, deleted: true, definition: null });
      await store.append(change('a2', 2, { model: 'again' }));
      expect(await store.get('a2')).toMatchObject({
        currentVersion: 3,
        deleted: false,
        definition: { model: 'again' },
      });
      expect((await store.versions('a2')).map((v) => v.definition)).toEqual([
        { model: 'm' },
        null,
        { model: 'again' },
      ]);
    });

    it('refuses a change based on a stale version with AGENT_VERSION_CONFLICT', async () => {
      await store.append(change('a3', null, {}));
      await expect(store.append(change('a3', null, {}))).rejects.toMatchObject({
        code: 'AGENT_VERSION_CONFLICT',
      });
      await expect(store.append(change('a3', 0, {}))).rejects.toMatchObject({
        code: 'AGENT_VERSION_CONFLICT',
      });
      const racing = await Promise.allSettled([
        store.append(change('a3', 1, { n: 1 })),
        store.append(change('a3', 1, { n: 2 })),
      ]);
      expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(racing.find((r) => r.status === 'rejected')).toMatchObject({
        reason: { code: 'AGENT_VERSION_CONFLICT' },
      });
      expect(await store.versions('a3')).toHaveLength(2);
    });

    it('moves its revision with every version written, and lists every agent', async () => {
      const before = await store.revision();
      await store.append(change('a4', null, { model: 'm' }));
      expect(await store.revision()).toBe(before + 1);
      expect(await store.revision()).toBe(before + 1);
      // A version of an agent already stored, and a deletion, move it too.
      await store.append(change('a4', 1, { model: 'n' }));
      expect(await store.revision()).toBe(before + 2);
      await store.append(change('a4', 2, null));
      expect(await store.revision()).toBe(before + 3);
      await store.append(change('a4', 3, { model: 'o' }));
      expect(await store.revision()).toBe(before + 4);
      // The number of versions ever written, of every agent.
      const versions = await Promise.all((await store.list()).map((a) => store.versions(a.id)));
      expect(await store.revision()).toBe(versions.reduce((sum, v) => sum + v.length, 0));
      const listed = await store.list();
      expect(listed.map((a) => a.id)).toEqual([...listed.map((a) => a.id)].sort());
      expect(listed.find((a) => a.id === 'a2')).toMatchObject({ deleted: false, currentVersion: 3 });
      expect(await store.get('nope')).toBeNull();
      expect(await store.versions('nope')).toEqual([]);
    });
  });
}
