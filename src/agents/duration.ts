const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

// A positive whole number and one unit: the YAML stays readable and there is no unit arithmetic to get wrong.
const DURATION_PATTERN = /^([1-9][0-9]*)([smhd])$/;

/** Whether `text` is a duration such as `30s`, `15m`, `2h` or `7d`. */
export function isDuration(text: string): boolean {
  return DURATION_PATTERN.test(text);
}

/** Converts a duration such as `15m` to milliseconds; throws a RangeError on anything else. */
export function parseDuration(text: string): number {
  const match = DURATION_PATTERN.exec(text);
  if (!match) {
    throw new RangeError(
      `Invalid duration "${text}": expected a positive whole number followed by s, m, h or d`,
    );
  }
  const [, amount, unit] = match as unknown as [string, string, keyof typeof UNIT_MS];
  const ms = Number(amount) * UNIT_MS[unit];
  if (!Number.isSafeInteger(ms)) throw new RangeError(`Invalid duration "${text}": too large`);
  return ms;
}
