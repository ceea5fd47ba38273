import type { Samples } from './figures.js';
import { median, p99 } from './stats.js';

/** A rate as `12.3k`. */
export function rate(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value >= 1000 ? `${(value / 1000).toFixed(1)}k` : value.toFixed(0);
}

/** Milliseconds with sensible precision. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value >= 100 ? value.toFixed(0) : value.toFixed(value >= 10 ? 1 : 2);
}

/** A percentage of a reference, or a dash. */
export function percentOf(value: number, reference: number): string {
  return Number.isFinite(value) && Number.isFinite(reference) && reference > 0
    ? `${((value / reference) * 100).toFixed(0)}%`
    : '–';
}

/** The median events/s of a setting's repetitions (NaN when it was skipped or not run). */
export function medianRateOf(samples: { eventsPerSec: number[]; skipped?: string } | undefined): number {
  return samples && !samples.skipped ? median(samples.eventsPerSec) : Number.NaN;
}

/** The median server CPU per event of a setting's repetitions, µs (NaN when not measured). */
export function medianCpuOf(samples: { cpuUsPerEvent?: number[]; skipped?: string } | undefined): number {
  return samples && !samples.skipped && samples.cpuUsPerEvent?.length
    ? median(samples.cpuUsPerEvent)
    : Number.NaN;
}

/** Median events/s of samples, or why there is none. */
export function medianRate(samples: Samples | undefined): string {
  if (!samples) return 'failed';
  if (samples.skipped) return 'skipped';
  return rate(median(samples.eventsPerSec)) + (samples.failed > 0 ? ` (${samples.failed} failed)` : '');
}

/** p99 of a time series of samples. */
export function p99Ms(samples: Samples | undefined, pick: (s: Samples) => number[]): string {
  return samples && !samples.skipped ? ms(p99(pick(samples))) : '–';
}

/** Median of a time series of samples. */
export function medianMs(samples: Samples | undefined, pick: (s: Samples) => number[]): string {
  return samples && !samples.skipped ? ms(median(pick(samples))) : '–';
}

/** A Markdown table (Prettier's layout: padded columns). */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const rule = `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
