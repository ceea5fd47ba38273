/** The API shapes the console reads (docs: /work/shared/contract.md; fields read loosely). */
import type { AdminAgentSummary } from '../../src/agents/agent-admin.js';
import type { UsageGroup, UsageTotals } from '../../src/store/usage-store.js';

// `GET /usage` groups and totals are the server's own types (src/store/usage-store.ts imports nothing).
export type { UsageGroup, UsageTotals };
// `GET /admin/agents` items are the server's own type.
export type { AdminAgentSummary };

/** An interrupt of `GET /interrupts?status=pending`. */
export interface InterruptView {
  id: string;
  threadId: string;
  runId: string;
  agentId: string;
  reason: string;
  message: string | null;
  toolCallId: string | null;
  toolName: string | null;
  args: unknown;
  createdAt: string;
  expiresAt: string | null;
  status: string;
}

/** A row of `GET /threads`. */
export interface ThreadRow {
  threadId: string;
  agentId: string;
  status: string;
  updatedAt: string;
}

/** One LLM call's token usage (AG-UI `TokenUsage`). */
export interface TokenUsage {
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  reasoningTokens?: number;
  cachedInputTokens?: number;
}

/** A run in `GET /threads/:id`. */
export interface RunView {
  runId: string;
  agentId: string;
  status: string;
  outcome: { type: string; interrupts?: unknown[]; pendingToolCallIds?: string[] } | null;
  error: { code: string; message: string } | null;
  usage: TokenUsage[];
  startedAt: string;
  finishedAt: string | null;
}

/** `GET /threads/:id`. */
export interface ThreadSummary {
  threadId: string;
  agentId: string;
  status: string;
  state: unknown;
  pendingInterrupts: InterruptView[];
  pendingToolCallIds: string[];
  runs: RunView[];
  createdAt: string;
  updatedAt: string;
}

/** An AG-UI message of `GET /threads/:id/messages`. */
export interface MessageView {
  id: string;
  role: string;
  content?: unknown;
  toolCalls?: { id: string; function: { name: string; arguments: string } }[];
  toolCallId?: string;
  error?: string;
}

/** `GET /usage`. */
export interface UsageReport {
  groups: UsageGroup[];
  totals: UsageTotals;
}

/** A tool of an agent definition (docs/agents.md). */
export interface AgentToolView {
  name: string;
  description?: string;
  approval?: string;
  approvalTtl?: string | null;
}

/** An effective agent definition (docs/agents.md, "The definition format"). */
export interface AgentDefinitionView {
  id: string;
  name: string;
  description: string;
  model: string;
  systemPrompt?: string | null;
  maxIterations?: number;
  tools: AgentToolView[];
}

/** A field-named problem: INVALID_INPUT `details`, or an agent's `problems`. */
export interface DefinitionIssue {
  path: string;
  message: string;
  code?: string;
}

/** `GET /admin/agents/:id`. */
export interface AdminAgentDetail {
  id: string;
  source: AdminAgentSummary['source'];
  version: number | null;
  editable: boolean;
  stored: Record<string, unknown> | null;
  template: AgentDefinitionView | null;
  effective: AgentDefinitionView | null;
  problems?: DefinitionIssue[];
}

/** One version of `GET /admin/agents/:id/versions`. */
export interface AgentVersionView {
  version: number;
  definition: unknown;
  deleted: boolean;
  createdAt: string;
  createdBy: string;
}

/** An agent of `GET /info`, with the AG-UI capabilities fields the console reads. */
export interface InfoAgent {
  name?: string;
  description?: string;
  capabilities?: {
    tools?: { items?: { name: string }[] };
    humanInTheLoop?: { approvals?: boolean };
  };
}
