import type { AgentDefinitionStore } from './agent-definition-store.js';
import type { EventLog } from './event-log.js';
import type { InterruptStore } from './interrupt-store.js';
import type { ThreadStore } from './thread-store.js';
import type { UsageStore } from './usage-store.js';

/** Every durable store the bridge needs, for one database. */
export interface BridgeStore {
  threads: ThreadStore;
  events: EventLog;
  interrupts: InterruptStore;
  /** Agent definitions stored through the admin API, with their versions. */
  agents: AgentDefinitionStore;
  /** Per-LLM-call usage for billing (survives thread deletion). */
  usage: UsageStore;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
