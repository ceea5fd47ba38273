import { describe, expect, it } from 'vitest';
import { costOf, parsePriceTable, priceOf } from '../../../src/runs/price-table.js';

const table = parsePriceTable(
  `models:
  gpt-4o: { input: 2.5, output: 10 }
  gpt-4o-mini: { input: 0.15, output: 0.6, cachedInput: 0.075 }
  o3: { input: 2, output: 8, reasoning: 12 }
`,
  'prices.yaml',
);
const tokens = { inputTokens: 1000, outputTokens: 500, cachedTokens: 400, reasoningTokens: 100 };

describe('price table', () => {
  it('prices cached input and reasoning at their own rates, defaulting to input and output', () => {
    // (600×0.15 + 400×0.075 + 500×0.6) / 1e6
    expect(costOf(table, 'gpt-4o-mini', tokens)).toBeCloseTo(0.00042, 12);
    // (1000×2.5 + 500×10) / 1e6: no cached or reasoning price means the plain ones
    expect(costOf(table, 'gpt-4o', tokens)).toBeCloseTo(0.0075, 12);
    // (1000×2 + 400×8 + 100×12) / 1e6
    expect(costOf(table, 'o3', tokens)).toBeCloseTo(0.0064, 12);
  });

  it('prices a dated snapshot as its longest listed prefix, and an unknown model as null', () => {
    expect(priceOf(table, 'gpt-4o-mini-2024-07-18')).toEqual(table.models['gpt-4o-mini']);
    expect(priceOf(table, 'gpt-4o-2024-08-06')).toEqual(table.models['gpt-4o']);
    expect(priceOf(table, 'gpt-4omni')).toBeUndefined();
    expect(costOf(table, 'llama3', tokens)).toBeNull();
    expect(costOf(undefined, 'gpt-4o', tokens)).toBeNull();
  });

  it('accepts JSON and names the file and every bad field', () => {
    expect(parsePriceTable('{"models":{"m":{"input":1,"output":2}}}', 'p.json').models.m).toEqual({
      input: 1,
      output: 2,
    });
    const bad = () =>
      parsePriceTable(
        'models:\n  m: { input: -1, outptu: 2 }\n  n: { input: "x", output: 1 }\n',
        'prices.yaml',
      );
    expect(bad).toThrow(/prices\.yaml: models\.m\.input: /);
    expect(bad).toThrow(/prices\.yaml: models\.m\.output: /);
    expect(bad).toThrow(/prices\.yaml: models\.m: Unrecognized key: "outptu"/);
    expect(bad).toThrow(/prices\.yaml: models\.n\.input: /);
    expect(() => parsePriceTable('models: [', 'prices.yaml')).toThrow(/prices\.yaml: not YAML or JSON/);
  });
});
