/** What the run service reports for monitoring (Prometheus in production, nothing in tests). */
export interface RunMetrics {
  /** A run began executing (its pipeline was subscribed). */
  runStarted(agentId: string): void;
  /** A run logged its end; `status`: success, interrupted, cancelled or error. */
  runEnded(agentId: string, status: string, durationMs: number): void;
  /** A run's pipeline closed, ended or not (pairs with `runStarted`). */
  runClosed(agentId: string): void;
  eventsCommitted(count: number): void;
}

/** Metrics that go nowhere. */
export const NO_RUN_METRICS: RunMetrics = {
  runStarted: () => undefined,
  runEnded: () => undefined,
  runClosed: () => undefined,
  eventsCommitted: () => undefined,
};
