import { ConflictError } from '../../protocol/bridge-error.js';
import type { AgentDefinitionStore, StoredAgent, StoredAgentVersion } from '../agent-definition-store.js';
import type { BridgePrismaClient } from './prisma-client.js';

interface DefinitionRow {
  id: string;
  currentVersion: number;
  deleted: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface VersionRow {
  agentId: string;
  version: number;
  definition: string | null;
  createdAt: Date;
  createdBy: string;
}

/**
 * The AgentDefinitionStore on Prisma: one row per agent, one immutable row per version. `revision`,
 * read twice by every run's start, comes from the driver (sqlite-reads.ts, postgres-run-reads.ts).
 */
export function createPrismaAgentDefinitionStore(
  prisma: BridgePrismaClient,
  revision: AgentDefinitionStore['revision'],
): AgentDefinitionStore {
  const withDefinitions = async (rows: DefinitionRow[]): Promise<StoredAgent[]> => {
    if (rows.length === 0) return [];
    // Versions are immutable: the (id, currentVersion) row read here is the one the agent row named.
    const versions = await prisma.agentVersion.findMany({
      where: { OR: rows.map((r) => ({ agentId: r.id, version: r.currentVersion })) },
    });
    const byId = new Map(versions.map((v) => [v.agentId, v]));
    return rows.map((row) => toStoredAgent(row, byId.get(row.id)));
  };
  return {
    revision,

    async list() {
      return withDefinitions(await prisma.agentDefinition.findMany({ orderBy: { id: 'asc' } }));
    },

    async get(agentId) {
      const row = await prisma.agentDefinition.findUnique({ where: { id: agentId } });
      return row ? ((await withDefinitions([row]))[0] ?? null) : null;
    },

    async versions(agentId) {
      const rows = await prisma.agentVersion.findMany({ where: { agentId }, orderBy: { version: 'asc' } });
      return rows.map(toStoredVersion);
    },

    async append(change) {
      try {
        return await prisma.$transaction(async (tx) => {
          const { agentId, expectedVersion, createdAt } = change;
          const current = await tx.agentDefinition.findUnique({ where: { id: agentId } });
          if ((current?.currentVersion ?? null) !== expectedVersion) throw versionConflict(agentId);
          const version = (expectedVersion ?? 0) + 1;
          const deleted = change.definition === null;
          if (current) {
            // Compare-and-set: a concurrent change of the same version updates nothing here.
            const updated = await tx.agentDefinition.updateMany({
              where: { id: agentId, currentVersion: expectedVersion ?? 0 },
              data: { currentVersion: version, deleted, updatedAt: createdAt },
            });
            if (updated.count === 0) throw versionConflict(agentId);
          } else {
            await tx.agentDefinition.create({
              data: { id: agentId, currentVersion: version, deleted, createdAt, updatedAt: createdAt },
            });
          }
          const row = await tx.agentVersion.create({
            data: {
              agentId,
              version,
              definition: deleted ? null : JSON.stringify(change.definition),
              createdAt,
              createdBy: change.createdBy,
            },
          });
          return toStoredVersion(row);
        });
      } catch (error) {
        // Two first versions created at once: the primary key refuses the second.
        if ((error as { code?: unknown }).code === 'P2002') throw versionConflict(change.agentId);
        throw error;
      }
    },
  };
}

function versionConflict(agentId: string): ConflictError {
  return new ConflictError(
    'AGENT_VERSION_CONFLICT',
    `Agent ${agentId} was changed concurrently; read it again and retry`,
  );
}

function toStoredVersion(row: VersionRow): StoredAgentVersion {
  return {
    agentId: row.agentId,
    version: row.version,
    // Written by append() from a validated definition; the agents layer validates it again on use.
    definition: row.definition === null ? null : (JSON.parse(row.definition) as unknown),
    createdAt: row.createdAt,
    createdBy: row.createdBy,
  };
}

function toStoredAgent(row: DefinitionRow, version: VersionRow | undefined): StoredAgent {
  return {
    id: row.id,
    currentVersion: row.currentVersion,
    deleted: row.deleted,
    definition: version && !row.deleted ? toStoredVersion(version).definition : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
