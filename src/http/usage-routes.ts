import { Router } from 'express';
import { z } from 'zod';
import { InvalidInputError } from '../protocol/bridge-error.js';
import type { UsageStore } from '../store/usage-store.js';
import { USAGE_GROUP_BY } from '../store/usage-store.js';
import { tenantOf } from './request-context.js';
import { validate } from './validate.js';

const DEFAULT_RANGE_MS = 30 * 24 * 60 * 60 * 1000;

// A full ISO timestamp (with Z or an offset) or a bare date, which means UTC midnight.
const Instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((value) => new Date(value));

const UsageQuerySchema = z.strictObject({
  from: Instant.optional(),
  to: Instant.optional(),
  groupBy: z.enum(USAGE_GROUP_BY).default('agent'),
  threadId: z.string().min(1).optional(),
});

/** `GET /usage`: the caller's tenant's LLM usage and cost, summed in the database per group. */
export function usageRoutes(deps: { usage: UsageStore; now: () => number }): Router {
  const router = Router();
  router.get('/usage', async (req, res) => {
    const query = validate(UsageQuerySchema, req.query, 'Query');
    const to = query.to ?? new Date(deps.now());
    const from = query.from ?? new Date(to.getTime() - DEFAULT_RANGE_MS);
    if (from >= to) {
      const issue = { path: 'from', message: 'must be before to', code: 'custom' };
      throw new InvalidInputError('Query is invalid: from: must be before to', [issue]);
    }
    const summary = await deps.usage.summarize({
      tenantId: tenantOf(res),
      from,
      to,
      groupBy: query.groupBy,
      ...(query.threadId !== undefined ? { threadId: query.threadId } : {}),
    });
    res.json({ from: from.toISOString(), to: to.toISOString(), groupBy: query.groupBy, ...summary });
  });
  return router;
}
