import { describe, expect, it } from 'vitest';
import { isDuration, parseDuration } from '../../../src/agents/duration.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['1s', 1_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(isDuration(text)).toBe(true);
  });

  it.each(['', '15', 'm', '0s', '-5m', '1.5h', '15 m', '15M', '2w', ' 1h', '1h '])('rejects %j', (text) => {
    expect(isDuration(text)).toBe(false);
    expect(() => parseDuration(text)).toThrow(RangeError);
  });

  it('rejects a duration too large to count in milliseconds', () => {
    expect(() => parseDuration('99999999999999999d')).toThrow(/too large/);
  });
});
