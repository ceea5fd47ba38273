/** What the run service reports for monitoring (Prometheus in production, nothing in tests). */
export interface RunMetrics {
  /** A run began executing (its pipeline was subscribed). */
  runStarted(agentId: string): void;
  /** A run logged its end; `status`: success, interrupted, cancelled or error. */
  runEnded(agentId: string, status: string, durationMs: number): void;
  /** A run's pipeline closed, ended or not (pairs with `runStarted`). */
  runClosed(agentId: string): void;
  eventsCommitted(count: number): void;
  /** An LLM request of a run ended; `outcome`: success, error or cancelled. */
  llmCall(agentId: string, model: string, outcome: string, durationMs: number): void;
  /** Tokens one LLM call used, by kind (input and output include cached and reasoning tokens). */
  llmTokens(model: string, tokens: Record<LlmTokenKind, number>): void;
}

/** The kinds of tokens metered per LLM call. */
export type LlmTokenKind = 'input' | 'output' | 'cached' | 'reasoning';

/** Metrics that go nowhere. */
export const NO_RUN_METRICS: RunMetrics = {
  runStarted: () => undefined,
  runEnded: () => undefined,
  runClosed: () => undefined,
  eventsCommitted: () => undefined,
  llmCall: () => undefined,
  llmTokens: () => undefined,
};
