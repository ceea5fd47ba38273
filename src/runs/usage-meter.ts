import type { TokenUsage } from '@ag-ui/core';
import type { Logger } from 'pino';
import type { AgentEvent, Usage } from '../protocol/agent-event.js';
import type { UsageStore } from '../store/usage-store.js';
import { costOf, type PriceTable, type TokenCounts } from './price-table.js';
import type { RunMetrics } from './run-metrics.js';

/** What a run's usage meter needs. */
export interface UsageMeterDeps {
  usage: UsageStore;
  prices: PriceTable | undefined;
  metrics: RunMetrics;
  logger: Logger;
  now: () => number;
  run: { tenantId: string; threadId: string; runId: string; agentId: string };
}

/**
 * Meters one run's LLM calls: a usage record per call, metrics, and the cost of the run's usage.
 * The cost stays off `RUN_FINISHED`: `@ag-ui/client` strips unknown `TokenUsage` fields with a warning.
 */
export interface UsageMeter {
  /** Sees each agent event: `usage` is recorded (one per LLM call), `llm_call` timed. */
  observe(event: AgentEvent): void;
  /** The run's `TokenUsage[]` with `costUsd` on each priced entry, as stored with the run. */
  price(usage: TokenUsage[]): TokenUsage[];
  /** Resolves once every record so far is written (before the run's end is stored). */
  flush(): Promise<void>;
}

/** Used when a call reports no model name. */
const UNKNOWN_MODEL = 'unknown';

/** Token counts of a usage entry (absent counts are 0). */
export function tokenCounts(usage: Usage | TokenUsage): TokenCounts {
  return {
    inputTokens: usage.inputTokens ?? 0,
    outputTokens: usage.outputTokens ?? 0,
    cachedTokens: usage.cachedInputTokens ?? 0,
    reasoningTokens: usage.reasoningTokens ?? 0,
  };
}

/**
 * Creates a run's meter. Each call is written as it is reported, so a run that dies later is still
 * billed for the calls it made; a failed write is logged, never fails the run.
 */
export function createUsageMeter(deps: UsageMeterDeps): UsageMeter {
  let written: Promise<void> = Promise.resolve();
  const record = (usage: Usage): void => {
    const model = usage.model ?? UNKNOWN_MODEL;
    const tokens = tokenCounts(usage);
    deps.metrics.llmTokens(model, {
      input: tokens.inputTokens,
      output: tokens.outputTokens,
      cached: tokens.cachedTokens,
      reasoning: tokens.reasoningTokens,
    });
    const row = {
      ...deps.run,
      model,
      ...tokens,
      costUsd: costOf(deps.prices, model, tokens),
      at: new Date(deps.now()),
    };
    written = written
      .then(() => deps.usage.record([row]))
      .catch((error: unknown) => deps.logger.error({ err: error, usage: row }, 'usage record not written'));
  };
  return {
    observe(event) {
      if (event.type === 'usage') record(event.usage);
      else if (event.type === 'llm_call')
        deps.metrics.llmCall(deps.run.agentId, event.model, event.outcome, event.durationMs);
    },
    price: (usage) =>
      usage.map((entry) => {
        const costUsd = costOf(deps.prices, entry.model ?? UNKNOWN_MODEL, tokenCounts(entry));
        return costUsd === null ? entry : { ...entry, costUsd };
      }),
    flush: () => written,
  };
}

/** The cost of a run's usage entries: the sum of the priced ones, null when none is priced. */
export function costOfUsage(usage: readonly TokenUsage[]): number | null {
  let total: number | null = null;
  for (const entry of usage) {
    const cost = (entry as { costUsd?: unknown }).costUsd;
    if (typeof cost === 'number') total = (total ?? 0) + cost;
  }
  return total === null ? null : Math.round(total * 1e9) / 1e9;
}
