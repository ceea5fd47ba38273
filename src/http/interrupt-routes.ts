import { Router } from 'express';
import { z } from 'zod';
import type { InterruptService } from '../runs/interrupt-service.js';
import type { InterruptRecord, InterruptStatus, InterruptStore } from '../store/interrupt-store.js';
import { tenantOf } from './request-context.js';
import { validate } from './validate.js';

const STATUSES = ['pending', 'approved', 'rejected', 'cancelled', 'expired', 'executed'] as const;

const ListQuerySchema = z.object({
  status: z.enum(STATUSES).optional(),
  threadId: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/** The body of `POST /interrupts/:id/resolve`. */
export const ResolveBodySchema = z.object({
  status: z.enum(['resolved', 'cancelled']),
  payload: z.unknown().optional(),
});

/** An interrupt as the API shows it (lowercase status, parsed arguments). */
export function toInterruptView(record: InterruptRecord) {
  return {
    id: record.id,
    threadId: record.threadId,
    runId: record.runId,
    agentId: record.agentId,
    reason: record.reason,
    message: record.message,
    toolCallId: record.toolCallId,
    toolName: record.toolName,
    args: parseArgs(record.args),
    responseSchema: record.responseSchema,
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt?.toISOString() ?? null,
    status: record.status.toLowerCase(),
    resolvedBy: record.resolvedBy,
    resolvedVia: record.resolvedVia,
    resolvedAt: record.resolvedAt?.toISOString() ?? null,
    payload: record.payload,
  };
}

function parseArgs(args: string | null): unknown {
  if (args === null || args === '') return args === '' ? {} : null;
  try {
    return JSON.parse(args) as unknown;
  } catch {
    return args;
  }
}

/** Interrupts for approval consoles. */
export function interruptRoutes(deps: {
  interrupts: InterruptService;
  audit: Pick<InterruptStore, 'auditTrail'>;
}): Router {
  const router = Router();

  router.get('/interrupts', async (req, res) => {
    const query = validate(ListQuerySchema, req.query, 'Query');
    const records = await deps.interrupts.list({
      tenantId: tenantOf(res),
      limit: query.limit,
      ...(query.status ? { status: query.status.toUpperCase() as InterruptStatus } : {}),
      ...(query.threadId ? { threadId: query.threadId } : {}),
    });
    res.json({ interrupts: records.map(toInterruptView) });
  });

  router.post('/interrupts/:interruptId/resolve', async (req, res) => {
    const body = validate(ResolveBodySchema, req.body, 'Resolve request');
    const tenantId = tenantOf(res);
    const result = await deps.interrupts.resolve({
      tenantId,
      actor: tenantId,
      interruptId: req.params.interruptId,
      status: body.status,
      payload: body.payload,
      via: 'api',
    });
    res
      .status(202)
      .json({ interrupt: toInterruptView(result.interrupt), continuationRunId: result.continuationRunId });
  });

  router.get('/audit', async (req, res) => {
    const { limit } = validate(
      z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      req.query,
      'Query',
    );
    const entries = await deps.audit.auditTrail({ tenantId: tenantOf(res), limit });
    res.json({ entries });
  });

  return router;
}
