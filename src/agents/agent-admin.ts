import { ConflictError, InvalidInputError, NotFoundError } from '../protocol/bridge-error.js';
import type { AgentDefinitionStore, StoredAgent } from '../store/agent-definition-store.js';
import type { Agent } from './agent.js';
import type { AgentDefinition } from './agent-definition.js';
import { AgentOverrideSchema, type AgentOverride } from './agent-override.js';
import type { AgentRegistry } from './agent-registry.js';
import { toDefinitionIssues, type DefinitionIssue } from './merge-agent-definition.js';
import { resolveStoredAgent, resolveStoredAgents, type ResolvedAgent } from './resolve-stored-agent.js';

/** What the admin service needs. */
export interface AgentAdminDeps {
  /** Agents defined in code: listed, never editable. */
  builtIns: Agent[];
  /** The agents file's definitions. */
  templates: AgentDefinition[];
  store: AgentDefinitionStore;
  /** Refreshed after every change, so this instance serves it at once. */
  registry: AgentRegistry;
  now: () => number;
}

/** Where an agent comes from, as the admin API reports it. */
export type AdminAgentSource = 'builtin' | 'yaml' | 'database';

/** One agent in `GET /admin/agents`. */
export interface AdminAgentSummary {
  id: string;
  name: string;
  description: string;
  source: AdminAgentSource;
  /** The stored version in effect; null when nothing was ever stored for it. */
  version: number | null;
  /** A stored definition changes this YAML agent. */
  overridden: boolean;
  /** The template a stored-only agent extends. */
  extends: string | null;
  editable: boolean;
  /** Present when the stored definition no longer merges (the agent is then unavailable). */
  problems?: DefinitionIssue[];
}

/** `GET /admin/agents/:id`: the stored definition, its template and the effective merge. */
export interface AdminAgentDetail {
  id: string;
  source: AdminAgentSource;
  version: number | null;
  editable: boolean;
  stored: unknown;
  template: AgentDefinition | null;
  effective: AgentDefinition | null;
  problems?: DefinitionIssue[];
}

/** Creates, changes and deletes stored agent definitions; every change is a new version. */
export interface AgentAdmin {
  list(): Promise<AdminAgentSummary[]>;
  describe(id: string): Promise<AdminAgentDetail>;
  /** A new agent (the body's `id`); AGENT_EXISTS when the id names an agent. */
  create(body: unknown, actor: string): Promise<AdminAgentDetail>;
  /** Replaces the stored definition of an existing agent (a YAML agent gets an override). */
  replace(id: string, body: unknown, actor: string): Promise<AdminAgentDetail>;
  /** Records a deletion: a YAML agent reverts to its file definition, a stored-only agent is gone. */
  remove(id: string, actor: string): Promise<AdminAgentDetail & { deleted: true }>;
  versions(id: string): Promise<AdminAgentVersion[]>;
}

/** One immutable version, as `GET /admin/agents/:id/versions` lists it. */
export interface AdminAgentVersion {
  version: number;
  /** The definition stored by this version; null for a deletion. */
  definition: unknown;
  deleted: boolean;
  createdAt: Date;
  createdBy: string;
}

/** The admin service over the agent definition store. */
export function createAgentAdmin(deps: AgentAdminDeps): AgentAdmin {
  const builtIns = new Map(deps.builtIns.map((a) => [a.id, a]));
  const templates = new Map(deps.templates.map((t) => [t.id, t]));

  const notFound = (id: string) => new NotFoundError('AGENT_NOT_FOUND', `No agent with id "${id}"`);
  const refuseBuiltIn = (id: string) => {
    if (builtIns.has(id))
      throw new ConflictError(
        'AGENT_NOT_EDITABLE',
        `Agent "${id}" is built into the bridge and cannot be edited`,
      );
  };

  const describe = async (id: string): Promise<AdminAgentDetail> => {
    const builtIn = builtIns.get(id);
    if (builtIn)
      return {
        id,
        source: 'builtin',
        version: null,
        editable: false,
        stored: null,
        template: null,
        effective: null,
      };
    const agent = resolveStoredAgent(id, await deps.store.get(id), templates);
    if (!agent) throw notFound(id);
    return toDetail(agent);
  };

  /** Validates a definition for agent `id` and appends it as the next version. */
  const save = async (id: string, override: AgentOverride, record: StoredAgent | null, actor: string) => {
    const definition = { ...override, id };
    const at = new Date(deps.now());
    const candidate: StoredAgent = {
      id,
      currentVersion: (record?.currentVersion ?? 0) + 1,
      deleted: false,
      definition,
      createdAt: at,
      updatedAt: at,
    };
    const resolved = resolveStoredAgent(id, candidate, templates);
    if (resolved && !resolved.effective.ok) throw invalid(resolved.effective.issues);
    await deps.store.append({
      agentId: id,
      expectedVersion: record?.currentVersion ?? null,
      definition,
      createdAt: at,
      createdBy: actor,
    });
    await deps.registry.refresh();
    return describe(id);
  };

  return {
    describe,

    async list() {
      const resolved = resolveStoredAgents(await deps.store.list(), templates, builtIns);
      return [...deps.builtIns.map(builtInSummary), ...resolved.map(toSummary)];
    },

    async create(body, actor) {
      const override = parseOverride(body);
      if (override.id === undefined)
        throw invalid([{ path: 'id', message: "Required: the new agent's id", code: 'custom' }]);
      const { id } = override;
      refuseBuiltIn(id);
      if (templates.has(id))
        throw new ConflictError(
          'AGENT_EXISTS',
          `Agent "${id}" is defined in the agents file: PUT /admin/agents/${id} overrides it`,
        );
      const record = await deps.store.get(id);
      if (record && !record.deleted)
        throw new ConflictError('AGENT_EXISTS', `Agent "${id}" exists: PUT /admin/agents/${id} changes it`);
      return save(id, override, record, actor);
    },

    async replace(id, body, actor) {
      refuseBuiltIn(id);
      const override = parseOverride(body);
      if (override.id !== undefined && override.id !== id)
        throw invalid([{ path: 'id', message: `Must be the agent's id "${id}" or absent`, code: 'custom' }]);
      const record = await deps.store.get(id);
      if (!templates.has(id) && !(record && !record.deleted)) throw notFound(id);
      return save(id, override, record, actor);
    },

    async remove(id, actor) {
      refuseBuiltIn(id);
      const record = await deps.store.get(id);
      if (!record || record.deleted) {
        if (templates.has(id))
          throw new NotFoundError('AGENT_NOT_FOUND', `Agent "${id}" has no stored definition to delete`);
        throw notFound(id);
      }
      const at = new Date(deps.now());
      const change = { agentId: id, expectedVersion: record.currentVersion, definition: null };
      const version = await deps.store.append({ ...change, createdAt: at, createdBy: actor });
      await deps.registry.refresh();
      // A YAML agent reverts to its file definition; a stored-only agent is gone.
      const detail: AdminAgentDetail = templates.has(id)
        ? await describe(id)
        : {
            id,
            source: 'database',
            version: version.version,
            editable: true,
            stored: null,
            template: null,
            effective: null,
          };
      return { ...detail, deleted: true };
    },

    async versions(id) {
      const versions = await deps.store.versions(id);
      if (versions.length === 0 && !templates.has(id) && !builtIns.has(id)) throw notFound(id);
      return versions.map((v) => ({
        version: v.version,
        definition: v.definition,
        deleted: v.definition === null,
        createdAt: v.createdAt,
        createdBy: v.createdBy,
      }));
    },
  };
}

function parseOverride(body: unknown): AgentOverride {
  const parsed = AgentOverrideSchema.safeParse(body);
  if (!parsed.success) throw invalid(toDefinitionIssues(parsed.error));
  return parsed.data;
}

function invalid(issues: DefinitionIssue[]): InvalidInputError {
  const summary = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  return new InvalidInputError(`Agent definition is invalid: ${summary}`, issues);
}

function builtInSummary(agent: Agent): AdminAgentSummary {
  const { id, name, description } = agent;
  return {
    id,
    name,
    description,
    source: 'builtin',
    version: null,
    overridden: false,
    extends: null,
    editable: false,
  };
}

function toSummary(agent: ResolvedAgent): AdminAgentSummary {
  const effective = agent.effective.ok ? agent.effective.definition : undefined;
  const shown = effective ?? agent.template;
  const extendsId = agent.source === 'database' ? (agent.template?.id ?? null) : null;
  return {
    id: agent.id,
    name: shown?.name ?? agent.id,
    description: shown?.description ?? '',
    source: agent.source,
    version: agent.version,
    overridden: agent.source === 'yaml' && agent.stored !== null,
    extends: extendsId,
    editable: true,
    ...(agent.effective.ok ? {} : { problems: agent.effective.issues }),
  };
}

function toDetail(agent: ResolvedAgent): AdminAgentDetail {
  return {
    id: agent.id,
    source: agent.source,
    version: agent.version,
    editable: true,
    stored: agent.stored,
    template: agent.template ?? null,
    effective: agent.effective.ok ? agent.effective.definition : null,
    ...(agent.effective.ok ? {} : { problems: agent.effective.issues }),
  };
}
