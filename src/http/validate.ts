import type { z } from 'zod';
import { InvalidInputError } from '../protocol/bridge-error.js';

/** Parses `value` with `schema`, or throws INVALID_INPUT listing every issue by path. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: issue.code,
  }));
  throw new InvalidInputError(
    `${what} is invalid: ${details.map((d) => `${d.path || '(root)'}: ${d.message}`).join('; ')}`,
    details,
  );
}
