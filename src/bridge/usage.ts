import type { TokenUsage } from '@ag-ui/core';

const COUNTS = [
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'reasoningTokens',
  'cachedInputTokens',
  'cacheWriteInputTokens',
] as const;

/** Adds one call's usage into per-(provider, model) totals, in place; AG-UI keeps models apart. */
export function addUsage(totals: TokenUsage[], usage: TokenUsage): void {
  let entry = totals.find((t) => t.provider === usage.provider && t.model === usage.model);
  if (!entry) {
    entry = {
      ...(usage.provider !== undefined ? { provider: usage.provider } : {}),
      ...(usage.model !== undefined ? { model: usage.model } : {}),
    };
    totals.push(entry);
  }
  for (const key of COUNTS) {
    const value = usage[key];
    if (value !== undefined) entry[key] = (entry[key] ?? 0) + value;
  }
}
