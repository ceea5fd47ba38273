/** `3s`, `4m 05s`, `2h 07m`, `3d 4h`: a duration for people. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(s % 60)}s`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours}h ${pad(m % 60)}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `12s ago` relative to `now`. */
export function ago(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  return `${formatDuration(now - Date.parse(iso))} ago`;
}

/** `expires in 14m 48s`, or `expired 3s ago`. */
export function untilExpiry(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never expires';
  const left = Date.parse(iso) - now;
  return left > 0 ? `expires in ${formatDuration(left)}` : `expired ${formatDuration(-left)} ago`;
}

/** Pretty JSON (two spaces), or the text as is when it is not JSON. */
export function prettyJson(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** `12,345`; `—` when there is no number. */
export function formatCount(value: number | null | undefined): string {
  return typeof value === 'number' ? value.toLocaleString('en-US') : '—';
}

/** `$0.0123`: enough digits for per-call costs. */
export function formatCost(value: number | null | undefined): string {
  if (typeof value !== 'number') return '—';
  return `$${value.toFixed(value !== 0 && Math.abs(value) < 1 ? 4 : 2)}`;
}

/** A local time of day with seconds, for timelines. */
export function timeOfDay(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return new Date(value).toLocaleTimeString('en-GB', { hour12: false });
}

/** An agent's source (`builtin`, `yaml`, `database`) for people. */
export function sourceLabel(source: string): string {
  return source === 'yaml' ? 'YAML file' : source === 'database' ? 'database' : 'built-in';
}
