import type { Agent } from './agent.js';

/** Looks agents up by id. */
export interface AgentRegistry {
  get(id: string): Agent | undefined;
  list(): Agent[];
  /**
   * Brings `get` and `list` up to date with agent definitions changed since (by any instance);
   * one cheap query when nothing changed. Callers await it before resolving an agent for a run.
   */
  refresh(): Promise<void>;
}

/** A registry over a fixed list of agents; ids must be unique. */
export function createAgentRegistry(agents: Agent[]): AgentRegistry {
  const byId = new Map<string, Agent>();
  for (const agent of agents) {
    if (byId.has(agent.id)) throw new Error(`Duplicate agent id "${agent.id}"`);
    byId.set(agent.id, agent);
  }
  return { get: (id) => byId.get(id), list: () => [...byId.values()], refresh: async () => undefined };
}
