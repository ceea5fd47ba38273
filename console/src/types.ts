/** The API shapes the console reads (docs: /work/shared/contract.md; fields read loosely). */

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

/** A group of `GET /usage`. */
export interface UsageGroup {
  key: string;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  costUsd: number | null;
  calls: number;
}

/** `GET /usage`. */
export interface UsageReport {
  groups: UsageGroup[];
  totals: Omit<UsageGroup, 'key'>;
}
