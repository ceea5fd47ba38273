import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';

const UsdPerMillion = z.number().nonnegative();

/** One model's prices, in USD per million tokens. */
export const ModelPriceSchema = z.strictObject({
  input: UsdPerMillion,
  output: UsdPerMillion,
  /** Cached prompt tokens; default: the input price. */
  cachedInput: UsdPerMillion.optional(),
  /** Reasoning tokens; default: the output price. */
  reasoning: UsdPerMillion.optional(),
});

/** The price table file (`BRIDGE_PRICES_FILE`, YAML or JSON): prices per model name. */
export const PriceTableSchema = z.strictObject({
  models: z.record(z.string().min(1), ModelPriceSchema),
});

/** One model's prices. */
export type ModelPrice = z.infer<typeof ModelPriceSchema>;
/** The parsed price table. */
export type PriceTable = z.infer<typeof PriceTableSchema>;

/** Token counts of one call or a sum of calls, as the provider reports them. */
export interface TokenCounts {
  /** Includes the cached tokens. */
  inputTokens: number;
  /** Includes the reasoning tokens. */
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
}

/** Reads and validates a price table; the error names the file and every bad field. */
export function loadPriceTable(file: string): PriceTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(`${file}: cannot read the price table (${reason})`, { cause: error });
  }
  return parsePriceTable(text, file);
}

/** Parses price table YAML or JSON text; `fileName` only labels the error messages. */
export function parsePriceTable(text: string, fileName: string): PriceTable {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new Error(`${fileName}: not YAML or JSON: ${document.errors[0]!.message}`);
  }
  const parsed = PriceTableSchema.safeParse(document.toJS());
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map(
    (issue) => `${fileName}: ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
  );
  throw new Error(`Invalid price table:\n  ${lines.join('\n  ')}`);
}

/**
 * The prices of a model: an exact entry, else the longest entry the name extends with `-`
 * (providers report dated snapshots: `gpt-4o-mini-2024-07-18` is priced as `gpt-4o-mini`).
 */
export function priceOf(table: PriceTable | undefined, model: string): ModelPrice | undefined {
  if (!table) return undefined;
  const exact = table.models[model];
  if (exact) return exact;
  let best: string | undefined;
  for (const name of Object.keys(table.models)) {
    if (model.startsWith(`${name}-`) && name.length > (best?.length ?? 0)) best = name;
  }
  return best === undefined ? undefined : table.models[best];
}

/**
 * The cost in USD of `tokens` on `model`, or null when the table has no price for it. Cached tokens
 * are part of the input and reasoning tokens part of the output, each at its own price.
 */
export function costOf(table: PriceTable | undefined, model: string, tokens: TokenCounts): number | null {
  const price = priceOf(table, model);
  if (!price) return null;
  const cached = Math.min(tokens.cachedTokens, tokens.inputTokens);
  const reasoning = Math.min(tokens.reasoningTokens, tokens.outputTokens);
  const usd =
    ((tokens.inputTokens - cached) * price.input +
      cached * (price.cachedInput ?? price.input) +
      (tokens.outputTokens - reasoning) * price.output +
      reasoning * (price.reasoning ?? price.output)) /
    1_000_000;
  // Nano-dollar precision: enough for one token of the cheapest model, and no float noise in sums.
  return Math.round(usd * 1e9) / 1e9;
}
