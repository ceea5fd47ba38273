/** One immutable version of a stored agent definition. */
export interface StoredAgentVersion {
  agentId: string;
  version: number;
  /** The definition as submitted (JSON, validated by the agents layer); null records a deletion. */
  definition: unknown;
  createdAt: Date;
  /** The tenant that made the change. */
  createdBy: string;
}

/** A stored agent: its latest version and whether that version is a deletion. */
export interface StoredAgent {
  id: string;
  currentVersion: number;
  deleted: boolean;
  /** The latest version's definition; null when deleted. */
  definition: unknown;
  createdAt: Date;
  updatedAt: Date;
}

/** What `append` records. */
export interface AppendAgentVersion {
  agentId: string;
  /** The version the change was based on (null: the agent has no stored record yet); else AGENT_VERSION_CONFLICT. */
  expectedVersion: number | null;
  /** The new definition, or null to record a deletion. */
  definition: unknown;
  createdAt: Date;
  createdBy: string;
}

/** Agent definitions changed through the admin API, every change an immutable version. */
export interface AgentDefinitionStore {
  /**
   * Grows with every change (the number of versions ever written): equal revisions mean nothing
   * changed, so instances compare it before reloading definitions.
   */
  revision(): Promise<number>;
  /** Every stored agent, deleted ones included (their version still matters to runs). */
  list(): Promise<StoredAgent[]>;
  get(agentId: string): Promise<StoredAgent | null>;
  /** Every version of the agent, oldest first; empty when it was never stored. */
  versions(agentId: string): Promise<StoredAgentVersion[]>;
  /** Appends the next version, compare-and-set on `expectedVersion` (throws AGENT_VERSION_CONFLICT). */
  append(change: AppendAgentVersion): Promise<StoredAgentVersion>;
}
