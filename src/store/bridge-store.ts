import type { AgentDefinitionStore } from './agent-definition-store.js';
import type { EventLog } from './event-log.js';
import type { InterruptStore } from './interrupt-store.js';
import type { ThreadStore } from './thread-store.js';

/** Every durable store the bridge needs, for one database. */
export interface BridgeStore {
  threads: ThreadStore;
  events: EventLog;
  interrupts: InterruptStore;
  /** Agent definitions stored through the admin API, with their versions. */
  agents: AgentDefinitionStore;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
