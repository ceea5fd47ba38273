/** One LLM call's metered usage, as recorded for billing. */
export interface UsageRecordInput {
  tenantId: string;
  threadId: string;
  runId: string;
  agentId: string;
  model: string;
  /** Prompt tokens, cached ones included (as the provider reports them). */
  inputTokens: number;
  /** Completion tokens, reasoning ones included. */
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** Null when the price table has no price for the model. */
  costUsd: number | null;
  at: Date;
}

/** What `GET /usage` groups by. */
export const USAGE_GROUP_BY = ['tenant', 'agent', 'thread', 'run', 'model', 'day'] as const;
/** One of `USAGE_GROUP_BY`. */
export type UsageGroupBy = (typeof USAGE_GROUP_BY)[number];

/** Sums over a set of LLM calls; `costUsd` sums the priced calls (null when none was priced). */
export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  costUsd: number | null;
  calls: number;
  runs: number;
}

/** One group of a usage summary; run groups also name their thread (run ids are unique per thread). */
export interface UsageGroup extends UsageTotals {
  key: string;
  threadId?: string;
}

/** Which calls a summary covers: one tenant's, `from` inclusive to `to` exclusive. */
export interface UsageQuery {
  tenantId: string;
  from: Date;
  to: Date;
  groupBy: UsageGroupBy;
  threadId?: string;
}

/** Per-call usage records (kept when their thread is deleted) and their aggregation in SQL. */
export interface UsageStore {
  record(rows: UsageRecordInput[]): Promise<void>;
  summarize(query: UsageQuery): Promise<{ groups: UsageGroup[]; totals: UsageTotals }>;
}
