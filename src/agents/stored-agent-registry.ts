import type { Logger } from 'pino';
import type { AgentDefinitionStore, StoredAgent } from '../store/agent-definition-store.js';
import type { Agent } from './agent.js';
import type { AgentDefinition } from './agent-definition.js';
import type { AgentRegistry } from './agent-registry.js';
import { resolveStoredAgents } from './resolve-stored-agent.js';

/** What the registry of YAML and stored agents is built from. */
export interface StoredAgentRegistryDeps {
  /** Agents defined in code (the demo): never templates, never editable. */
  builtIns: Agent[];
  /** The agents file's definitions, in file order: agents and templates. */
  templates: AgentDefinition[];
  store: AgentDefinitionStore;
  /** Builds the runnable agent of an effective definition (an LLM agent). */
  build(definition: AgentDefinition): Agent;
  logger: Logger;
}

/**
 * A registry of the built-in agents, the YAML agents and the stored ones, merged (docs/agents.md).
 * `refresh()` compares the store's revision and reloads only when it moved; agents whose version
 * did not change keep their object, so a run in flight is never affected by a reload.
 */
export function createStoredAgentRegistry(deps: StoredAgentRegistryDeps): AgentRegistry {
  const builtIns = new Map(deps.builtIns.map((a) => [a.id, a]));
  const templates = new Map(deps.templates.map((t) => [t.id, t]));
  for (const id of templates.keys()) if (builtIns.has(id)) throw new Error(`Duplicate agent id "${id}"`);
  let agents = new Map<string, Agent>(builtIns);
  let keys = new Map<string, string>();
  let revision = -1;
  const reported = new Set<string>();

  const rebuild = (records: StoredAgent[]) => {
    const nextAgents = new Map<string, Agent>(builtIns);
    const nextKeys = new Map<string, string>();
    for (const agent of resolveStoredAgents(records, templates, builtIns)) {
      const { id, effective, version } = agent;
      const key = `${id}@${version ?? 'yaml'}`;
      if (!effective.ok) {
        // Serving the template instead could drop an approval the override demanded: refuse the agent.
        warnOnce(key, { agentId: id, issues: effective.issues }, 'agent definition invalid: unavailable');
        continue;
      }
      const previous = keys.get(id) === key ? agents.get(id) : undefined;
      nextAgents.set(id, previous ?? withVersion(deps.build(effective.definition), version));
      nextKeys.set(id, key);
    }
    agents = nextAgents;
    keys = nextKeys;
  };

  const warnOnce = (key: string, fields: object, message: string) => {
    if (reported.has(key)) return;
    reported.add(key);
    deps.logger.warn(fields, message);
  };

  const load = async () => {
    // Revision first: a change committed between the two reads is loaded now and again next time, never missed.
    const current = await deps.store.revision();
    if (current === revision) return;
    rebuild(await deps.store.list());
    revision = current;
  };

  // One load at a time; callers arriving during a load share the next one, which sees their writes.
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const refresh = (): Promise<void> => {
    if (!running) {
      running = load().finally(() => (running = null));
      return running;
    }
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return refresh();
      });
    return queued;
  };

  return { get: (id) => agents.get(id), list: () => [...agents.values()], refresh };
}

function withVersion(agent: Agent, version: number | null): Agent {
  return version === null ? agent : { ...agent, version };
}
