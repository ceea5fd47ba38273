import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RunMetrics } from '../runs/run-metrics.js';

/** The bridge's Prometheus registry and the run metrics that feed it. */
export interface PrometheusMetrics {
  registry: Registry;
  runs: RunMetrics;
  /** Registers a gauge read when scraped (e.g. live subscribers, pending interrupts). */
  observe(name: string, help: string, read: () => number | Promise<number>): void;
}

/** Creates the registry: process metrics plus runs by outcome, active runs, events and run duration. */
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
