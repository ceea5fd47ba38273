import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RunMetrics } from '../runs/run-metrics.js';

/** The bridge's Prometheus registry and the run metrics that feed it. */
export interface PrometheusMetrics {
  registry: Registry;
  runs: RunMetrics;
  /** Registers a gauge read when scraped (e.g. live subscribers, pending interrupts). */
  observe(name: string, help: string, read: () => number | Promise<number>): void;
}

/**
 * Creates the registry: process metrics, runs by outcome, active runs, events, run duration, LLM
 * request latency and tokens.
 */
export function createPrometheusMetrics(): PrometheusMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'bridge_' });
  const runsTotal = new Counter({
    name: 'bridge_runs_total',
    help: 'Runs ended, by agent and outcome (success, interrupted, cancelled, error)',
    labelNames: ['agent', 'outcome'],
    registers: [registry],
  });
  const activeRuns = new Gauge({
    name: 'bridge_active_runs',
    help: 'Runs executing on this instance',
    registers: [registry],
  });
  const events = new Counter({
    name: 'bridge_events_total',
    help: 'AG-UI events committed to the event log',
    registers: [registry],
  });
  const llm = llmMetrics(registry);
  const duration = new Histogram({
    name: 'bridge_run_duration_seconds',
    help: 'Run duration, start to terminal event',
    labelNames: ['agent'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  return {
    registry,
    runs: {
      runStarted: () => activeRuns.inc(),
      runEnded: (agent, outcome, durationMs) => {
        runsTotal.inc({ agent, outcome });
        duration.observe({ agent }, durationMs / 1000);
      },
      runClosed: () => activeRuns.dec(),
      eventsCommitted: (count) => events.inc(count),
      ...llm,
    },
    observe(name, help, read) {
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          this.set(await read());
        },
      });
    },
  };
}

function llmMetrics(registry: Registry): Pick<RunMetrics, 'llmCall' | 'llmTokens'> {
  const latency = new Histogram({
    name: 'bridge_llm_request_duration_seconds',
    help: 'LLM request latency, request to last streamed chunk, by agent, requested model and outcome (success, error, cancelled)',
    labelNames: ['agent', 'model', 'outcome'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120],
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'bridge_llm_tokens_total',
    help: 'LLM tokens by reported model and kind (input and output include cached and reasoning)',
    labelNames: ['model', 'kind'],
    registers: [registry],
  });
  return {
    llmCall: (agent, model, outcome, durationMs) =>
      latency.observe({ agent, model, outcome }, durationMs / 1000),
    llmTokens: (model, counts) => {
      for (const [kind, count] of Object.entries(counts)) tokens.inc({ model, kind }, count);
    },
  };
}
