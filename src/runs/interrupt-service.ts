import type { Logger } from 'pino';
import { NotFoundError } from '../protocol/bridge-error.js';
import type { BridgeStore } from '../store/bridge-store.js';
import type { InterruptRecord, InterruptStatus, Resolution } from '../store/interrupt-store.js';
import { auditRefusals } from './audit-refusals.js';
import { isExpired, resolve } from './check-answers.js';
import type { RunService } from './run-service.js';

/** What resolving an interrupt did. */
export interface ResolveResult {
  interrupt: InterruptRecord;
  /** The run the bridge started to continue the thread, when this answer completed the turn. */
  continuationRunId: string | null;
}

/** Interrupts for approval consoles: list, resolve (continuing the thread), expire. */
export interface InterruptService {
  list(filter: {
    tenantId: string;
    status?: InterruptStatus;
    threadId?: string;
    limit: number;
  }): Promise<InterruptRecord[]>;
  resolve(request: {
    tenantId: string;
    actor: string;
    interruptId: string;
    status: 'resolved' | 'cancelled';
    payload?: unknown;
    via: Resolution['resolvedVia'];
  }): Promise<ResolveResult>;
  /** Marks every pending interrupt past its expiry EXPIRED; returns how many. */
  sweep(): Promise<number>;
  /** Sweeps every `intervalMs` until the returned function is called. */
  startSweeper(intervalMs: number): () => void;
}

/** The interrupt service over the store and the run service. */
export function createInterruptService(deps: {
  store: BridgeStore;
  runs: RunService;
  logger: Logger;
  now: () => number;
  generateId: () => string;
}): InterruptService {
  const { store, now } = deps;

  const continueTurn = async (
    record: InterruptRecord,
    tenantId: string,
    actor: string,
  ): Promise<string | null> => {
    const turn = await store.interrupts.forRun(record.threadId, record.runId);
    if (turn.some((r) => r.status === 'PENDING' && !isExpired(r, new Date(now())))) return null;
    const thread = await store.threads.get(record.threadId);
    const pending = thread?.snapshot.pending;
    if (!thread || pending?.runId !== record.runId || deps.runs.isActive(thread.id)) return null;
    const runId = deps.generateId();
    const input = {
      threadId: thread.id,
      runId,
      messages: [],
      tools: pending.tools,
      context: pending.context,
    };
    try {
      const handle = await deps.runs.start({ agentId: pending.agentId, input, tenantId, actor });
      // Nobody holds this stream: its events reach clients through the thread's log and live feed.
      handle.events$.subscribe({
        error: (error: unknown) => deps.logger.error({ err: error, runId }, 'continuation failed'),
      });
      return runId;
    } catch (error) {
      // E.g. frontend calls of the same turn still unanswered: the client's next run continues it.
      deps.logger.info({ err: error, threadId: thread.id }, 'continuation not started');
      return null;
    }
  };

  return {
    list: (filter) => store.interrupts.list(filter),

    async resolve({ tenantId, actor, interruptId, status, payload, via }) {
      const audit = { tenantId, actor, action: 'resolve', target: interruptId };
      const record = await auditRefusals(store.interrupts, audit, now, async () => {
        const found = await store.interrupts.get(interruptId);
        if (!found || found.tenantId !== tenantId) {
          throw new NotFoundError('INTERRUPT_NOT_FOUND', `No interrupt with id "${interruptId}"`);
        }
        const resolution = resolve(found, { status, payload }, { now: new Date(now()), actor }, via);
        if (resolution) await store.interrupts.resolve([resolution]);
        return found;
      });
      // The answer as recorded, before the continuation (which may already execute the tool) starts.
      const answered = (await store.interrupts.get(interruptId)) ?? record;
      const continuationRunId = await continueTurn(record, tenantId, actor);
      return { interrupt: answered, continuationRunId };
    },

    sweep: () => store.interrupts.expireDue(new Date(now())),

    startSweeper(intervalMs) {
      const timer = setInterval(() => {
        this.sweep().catch((error: unknown) => deps.logger.warn({ err: error }, 'interrupt sweep failed'));
      }, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
