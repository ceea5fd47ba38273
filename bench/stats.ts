/** The `q` quantile (0..1) by nearest rank; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** The median (nearest rank). */
export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** The 99th percentile (nearest rank: with fewer than 100 values it is the maximum). */
export const p99 = (values: readonly number[]): number => quantile(values, 0.99);
