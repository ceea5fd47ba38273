import type { StoredAgent } from '../store/agent-definition-store.js';
import type { AgentDefinition } from './agent-definition.js';
import { AgentOverrideSchema } from './agent-override.js';
import { mergeAgentDefinition, toDefinitionIssues, type MergeResult } from './merge-agent-definition.js';

/** Where an agent is defined: the YAML file (possibly overridden) or only the database. */
export type AgentSource = 'yaml' | 'database';

/** An agent of the YAML file or the database, resolved to its effective definition. */
export interface ResolvedAgent {
  id: string;
  source: AgentSource;
  /** The stored version in effect (a deletion's number for a reverted YAML agent); null: none stored. */
  version: number | null;
  /** The YAML definition the stored one extends, if any. */
  template: AgentDefinition | undefined;
  /** The stored definition in effect; null when none is (never stored, or deleted). */
  stored: unknown;
  /** The merged definition, or the problems that keep it from being one. */
  effective: MergeResult;
}

/**
 * Resolves agent `id` from its YAML definition (if any) and its stored record (if any); null when
 * neither defines it. A stored definition with a YAML agent's id extends that agent (`extends` may
 * repeat the id, never name another); a stored-only agent extends the template it names, if any.
 */
export function resolveStoredAgent(
  id: string,
  record: StoredAgent | null,
  templates: ReadonlyMap<string, AgentDefinition>,
): ResolvedAgent | null {
  const own = templates.get(id);
  const live = record && !record.deleted ? record : null;
  if (!live) {
    if (!own) return null;
    return resolved(id, 'yaml', record, own, null, { ok: true, definition: own });
  }
  const source: AgentSource = own ? 'yaml' : 'database';
  const parsed = AgentOverrideSchema.safeParse(live.definition);
  if (!parsed.success)
    return resolved(id, source, record, own, live.definition, {
      ok: false,
      issues: toDefinitionIssues(parsed.error),
    });
  const override = parsed.data;
  const problem = (path: string, message: string) =>
    resolved(id, source, record, own, live.definition, {
      ok: false,
      issues: [{ path, message, code: 'custom' }],
    });
  if (override.id !== undefined && override.id !== id)
    return problem('id', `The definition's id "${override.id}" is not the agent's id "${id}"`);
  if (own && override.extends !== undefined && override.extends !== id)
    return problem('extends', `Agent "${id}" is defined in the agents file: it can only extend itself`);
  const template = own ?? (override.extends === undefined ? undefined : templates.get(override.extends));
  if (override.extends !== undefined && !template)
    return problem('extends', `No template "${override.extends}": templates are the agents file's agents`);
  return resolved(
    id,
    source,
    record,
    template,
    live.definition,
    mergeAgentDefinition(id, override, template),
  );
}

/**
 * Every agent of the agents file and the store, the file's in file order, then stored-only ones by
 * id; ids of `builtIns` are skipped (the admin API never stores them).
 */
export function resolveStoredAgents(
  records: StoredAgent[],
  templates: ReadonlyMap<string, AgentDefinition>,
  builtIns: ReadonlyMap<string, unknown>,
): ResolvedAgent[] {
  const byId = new Map(records.map((r) => [r.id, r]));
  const ids = [...templates.keys(), ...records.map((r) => r.id).filter((id) => !templates.has(id))];
  return ids
    .filter((id) => !builtIns.has(id))
    .map((id) => resolveStoredAgent(id, byId.get(id) ?? null, templates))
    .filter((agent): agent is ResolvedAgent => agent !== null);
}

function resolved(
  id: string,
  source: AgentSource,
  record: StoredAgent | null,
  template: AgentDefinition | undefined,
  stored: unknown,
  effective: MergeResult,
): ResolvedAgent {
  return { id, source, version: record?.currentVersion ?? null, template, stored, effective };
}
