import { Router, type Response } from 'express';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../protocol/bridge-error.js';
import type { SubscriberRegistry } from '../live/subscriber-registry.js';
import type { RunService } from '../runs/run-service.js';
import { costOfUsage } from '../runs/usage-meter.js';
import type { BridgeStore } from '../store/bridge-store.js';
import type { ThreadRecord } from '../store/thread-store.js';
import { toInterruptView } from './interrupt-routes.js';
import { tenantOf } from './request-context.js';
import { validate } from './validate.js';

const ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).optional(),
});
const EventsQuerySchema = z.object({ after: z.coerce.number().int().min(0).default(0) });
const EVENTS_PAGE = 2000;

/** Threads for apps and consoles: list, summary, messages, state, events, delete. */
export function threadRoutes(deps: {
  store: BridgeStore;
  runs: RunService;
  subscribers: Pick<SubscriberRegistry, 'counts'>;
}): Router {
  const router = Router();
  const { store } = deps;

  /** The thread if it exists and belongs to the caller's tenant; otherwise 404. */
  const ownThread = async (res: Response, threadId: string): Promise<ThreadRecord> => {
    const thread = await store.threads.get(threadId);
    if (!thread || thread.tenantId !== tenantOf(res)) {
      throw new NotFoundError('THREAD_NOT_FOUND', `No thread with id "${threadId}"`);
    }
    return thread;
  };

  router.get('/threads', async (req, res) => {
    const query = validate(ListQuerySchema, req.query, 'Query');
    const page = await store.threads.list({ tenantId: tenantOf(res), ...query });
    res.json({
      threads: page.threads.map((t) => ({
        threadId: t.id,
        agentId: t.agentId,
        status: t.status,
        updatedAt: t.updatedAt,
      })),
      nextCursor: page.nextCursor,
    });
  });

  router.get('/threads/:threadId', async (req, res) => {
    const thread = await ownThread(res, req.params.threadId);
    const runs = await store.threads.runs(thread.id);
    const pending = thread.snapshot.pending;
    const pendingToolCallIds = (pending?.toolCalls ?? [])
      .filter((c) => c.kind === 'frontend')
      .map((c) => c.toolCallId);
    const open = await store.interrupts.list({
      tenantId: thread.tenantId,
      threadId: thread.id,
      status: 'PENDING',
      limit: 1000,
    });
    const pendingInterrupts = open.map(toInterruptView);
    res.json({
      threadId: thread.id,
      agentId: thread.agentId,
      status: thread.status,
      state: thread.snapshot.state,
      snapshotVersion: thread.snapshot.version,
      pendingInterrupts,
      pendingToolCallIds,
      // Each usage entry carries its cost when the model is priced; costUsd is the run's total.
      runs: runs.map((run) => ({ ...run, costUsd: costOfUsage(run.usage) })),
      subscribers: deps.subscribers.counts(thread.id),
      queuedRuns: deps.runs.queued(thread.id),
      createdAt: thread.createdAt,
      updatedAt: thread.updatedAt,
    });
  });

  router.get('/threads/:threadId/messages', async (req, res) => {
    const thread = await ownThread(res, req.params.threadId);
    res.json(await store.threads.messages(thread.id));
  });

  router.get('/threads/:threadId/state', async (req, res) => {
    const thread = await ownThread(res, req.params.threadId);
    res.json(thread.snapshot.state);
  });

  router.get('/threads/:threadId/events', async (req, res) => {
    const thread = await ownThread(res, req.params.threadId);
    const { after } = validate(EventsQuerySchema, req.query, 'Query');
    // Paged reads written as they come: memory stays flat however long the thread is, and the
    // logged JSON is spliced in without being parsed again.
    res.type('application/json');
    res.write('{"events":[');
    let cursor = after;
    let first = true;
    for (;;) {
      const page = await store.events.read(thread.id, cursor, EVENTS_PAGE);
      if (page.length === 0) break;
      const body = page.map((e) => `{"seq":${e.seq},"event":${e.json}}`).join(',');
      res.write(first ? body : `,${body}`);
      first = false;
      cursor = page[page.length - 1]!.seq;
      if (page.length < EVENTS_PAGE) break;
    }
    res.end(']}');
  });

  router.delete('/threads/:threadId', async (req, res) => {
    const thread = await ownThread(res, req.params.threadId);
    if (deps.runs.isActive(thread.id)) {
      throw new ConflictError('THREAD_BUSY', `Thread ${thread.id} has an active run; stop it first`);
    }
    await store.threads.delete(thread.id);
    res.json({ deleted: true, threadId: thread.id });
  });

  return router;
}
