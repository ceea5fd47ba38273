import type { Observable } from 'rxjs';
import { defer, finalize, ReplaySubject, tap } from 'rxjs';
import type { BaseEvent, Message, RunAgentInput } from '@ag-ui/core';
import type { Logger } from 'pino';
import type { AgentRegistry } from '../agents/agent-registry.js';
import type { Agent } from '../agents/agent.js';
import { createMessageAccumulator } from '../bridge/message-accumulator.js';
import { createStateTracker } from '../bridge/state-tracker.js';
import { toAguiEvents } from '../bridge/to-agui-events.js';
import { ConflictError, NotFoundError } from '../protocol/bridge-error.js';
import { createThreadSnapshot } from '../protocol/thread-snapshot.js';
import type { ControlChannel } from '../cluster/control-channel.js';
import type { RunLease, RunLock } from '../cluster/run-lock.js';
import type { EventBus } from '../live/event-bus.js';
import type { BridgeStore } from '../store/bridge-store.js';
import { persistEvents, type SequencedEvent } from './persist-events.js';
import { auditRefusals } from './audit-refusals.js';
import { buildContinuation } from './build-continuation.js';
import { checkAnswers } from './check-answers.js';
import { recordTurn } from './pending-turn.js';
import { NO_RUN_METRICS, type RunMetrics } from './run-metrics.js';
import { isTerminal, readRunEnding } from './run-outcome.js';

/** What the run service needs. */
export interface RunServiceDeps {
  agents: AgentRegistry;
  store: BridgeStore;
  /** Committed events are published here for live subscribers (other tabs, consoles). */
  bus: EventBus;
  /** One run per thread across instances. */
  lock: RunLock;
  /** Reaches the instance that runs a thread (stop). */
  control: ControlChannel;
  /** Run counters for monitoring; none by default. */
  metrics?: RunMetrics;
  /** How long a run of an `enqueue` agent waits for the thread before THREAD_BUSY (default 2 min). */
  enqueueTimeoutMs?: number;
  logger: Logger;
  now: () => number;
  generateId: () => string;
}

/** A run that has been accepted: subscribe to `events$` (once) to execute it. */
export interface RunHandle {
  threadId: string;
  runId: string;
  /** The run's events, each logged before it is emitted; ends after the terminal event. */
  events$: Observable<SequencedEvent>;
  /** Ends the run with outcome cancelled, or with RUN_ERROR for an Error reason (idempotent). */
  cancel(reason?: Error): void;
}

/** What starting a run needs. */
export interface StartRunRequest {
  agentId: string;
  input: RunAgentInput;
  tenantId: string;
  /** Who asked (for the audit trail); the tenant when unknown. */
  actor?: string;
}

/** Starts, tracks and stops runs; one active run per thread. */
export interface RunService {
  /** Validates and records the run; throws a BridgeError (404/409) before anything is streamed. */
  start(request: StartRunRequest): Promise<RunHandle>;
  /** Cancels the thread's active run, wherever it runs; false when there is none. */
  stop(threadId: string): Promise<boolean>;
  isActive(threadId: string): boolean;
  /** Runs of `enqueue` agents waiting on this instance for the thread. */
  queued(threadId: string): number;
  /** Cancels every active run and waits until each has logged its end. */
  shutdown(): Promise<void>;
}

/** Default of `RunServiceDeps.enqueueTimeoutMs`. */
export const DEFAULT_ENQUEUE_TIMEOUT_MS = 120_000;
const LOCK_POLL_MS = 100;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
}

interface ActiveRun {
  cancel(reason?: Error): void;
  done: Promise<void>;
}

/** The run service over an agent registry and a store. */
export function createRunService(deps: RunServiceDeps): RunService {
  const active = new Map<string, ActiveRun>();
  const waiting = new Map<string, number>();
  const adjustWaiting = (threadId: string, by: number) => {
    const count = (waiting.get(threadId) ?? 0) + by;
    if (count > 0) waiting.set(threadId, count);
    else waiting.delete(threadId);
  };
  deps.control.subscribe((message) => {
    if (message.type === 'stop') active.get(message.threadId)?.cancel();
  });

  return {
    async start(request) {
      const { agentId, input } = request;
      const agent = deps.agents.get(agentId);
      if (!agent) throw new NotFoundError('AGENT_NOT_FOUND', `No agent with id "${agentId}"`);
      const { threadId } = input;
      const enqueue = agent.concurrency === 'enqueue';
      const deadline = deps.now() + (deps.enqueueTimeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS);
      const busy = () => new ConflictError('THREAD_BUSY', `Thread ${threadId} already has an active run`);
      // `enqueue` agents wait for the thread's active run here (waiters resume in arrival order).
      for (let current = active.get(threadId); current; current = active.get(threadId)) {
        if (!enqueue || deps.now() >= deadline) throw busy();
        adjustWaiting(threadId, 1);
        await Promise.race([current.done, delay(deadline - deps.now())]).finally(() =>
          adjustWaiting(threadId, -1),
        );
      }
      // Reserve the thread synchronously, before the next await, so two requests cannot both pass.
      let release!: () => void;
      const slot: ActiveRun = { cancel: () => undefined, done: new Promise<void>((r) => (release = r)) };
      active.set(threadId, slot);
      let lease: RunLease | null = null;
      const free = () => {
        active.delete(threadId);
        void lease?.release();
        release();
      };
      try {
        // Another instance may run the thread: `enqueue` polls its lock until the deadline.
        while (!(lease = await deps.lock.acquire(threadId))) {
          if (!enqueue || deps.now() >= deadline) throw busy();
          await delay(LOCK_POLL_MS);
        }
        const handle = await prepareRun(deps, agent, request, free);
        slot.cancel = handle.cancel;
        // Without the lock another instance may take the thread over: end this run rather than race it.
        void lease.lost.then((reason) => handle.cancel(reason));
        return handle;
      } catch (error) {
        free();
        throw error;
      }
    },
    async stop(threadId) {
      const run = active.get(threadId);
      if (run) {
        run.cancel();
        return true;
      }
      if (!(await deps.lock.isHeld(threadId))) return false;
      await deps.control.publish({ type: 'stop', threadId });
      return true;
    },
    isActive: (threadId) => active.has(threadId),
    queued: (threadId) => waiting.get(threadId) ?? 0,
    async shutdown() {
      const runs = [...active.values()];
      for (const run of runs) run.cancel();
      await Promise.all(runs.map((r) => r.done));
    },
  };
}

async function prepareRun(
  deps: RunServiceDeps,
  agent: Agent,
  request: StartRunRequest,
  free: () => void,
): Promise<RunHandle> {
  const { store, now, generateId, logger } = deps;
  const { input, tenantId } = request;
  const { threadId, runId } = input;
  const existing = await store.threads.get(threadId);
  if (existing && existing.tenantId !== tenantId) {
    throw new NotFoundError('THREAD_NOT_FOUND', `No thread with id "${threadId}"`);
  }
  const storedMessages = existing ? await store.threads.messages(threadId) : [];
  const pendingTurn = existing?.snapshot.pending ?? null;
  const audit = { tenantId, actor: request.actor ?? tenantId, action: 'run', target: threadId };
  await auditRefusals(store.interrupts, audit, now, async () => {
    const at = new Date(now());
    const checked = await checkAnswers({
      threadId,
      input,
      storedMessages,
      pendingTurn,
      interrupts: store.interrupts,
      now: at,
      actor: audit.actor,
    });
    if (checked.resolutions.length > 0) await store.interrupts.resolve(checked.resolutions);
    await store.interrupts.answerToolCalls(threadId, checked.answeredToolCallIds, at);
  });
  const lastSeq = await store.events.lastSeq(threadId);
  await store.threads.beginRun({
    threadId,
    tenantId,
    agentId: agent.id,
    runId,
    input,
    startedAt: new Date(now()),
    messages: input.messages,
  });
  const messages = input.messages.length > 0 ? input.messages : storedMessages;
  const state = hasState(input.state) ? input.state : (existing?.snapshot.state ?? {});
  const continuation = pendingTurn
    ? await buildContinuation(threadId, pendingTurn, store.interrupts, now)
    : undefined;

  const metrics = deps.metrics ?? NO_RUN_METRICS;
  let startedAt = now();
  const cancel$ = new ReplaySubject<Error | undefined>(1);
  const abort = new AbortController();
  const cancel = (reason?: Error) => {
    cancel$.next(reason);
    abort.abort();
  };
  const runLog = logger.child({ threadId, runId, agentId: agent.id });
  const accumulator = createMessageAccumulator(assistantMessages(messages));
  const tracker = createStateTracker(state, (error) =>
    runLog.warn({ err: error }, 'state patch did not apply'),
  );
  let terminal: BaseEvent | undefined;
  let iteration = continuation?.iteration ?? 0;
  let subscribed = false;

  const context = { threadId, runId, messages, state, input, signal: abort.signal, now, generateId };
  const pipeline$ = defer(() => {
    startedAt = now();
    metrics.runStarted(agent.id);
    return agent.run(continuation ? { ...context, continuation } : context);
  }).pipe(
    tap((event) => {
      if (event.type === 'outcome' && event.iteration !== undefined) iteration = event.iteration;
    }),
    toAguiEvents({ threadId, runId, now, generateId, cancel$ }),
    tap((event) => {
      accumulator.apply(event);
      tracker.apply(event);
      if (isTerminal(event)) terminal = event;
    }),
    persistEvents({
      log: store.events,
      threadId,
      runId,
      lastSeq,
      onCommitted: (events) => {
        deps.bus.publish(threadId, events);
        metrics.eventsCommitted(events.length);
      },
      beforeEnd: async () => {
        if (!terminal) return;
        const ending = readRunEnding(terminal);
        metrics.runEnded(agent.id, ending.status, now() - startedAt);
        if (ending.error) runLog.warn({ code: ending.error.code }, 'run failed: %s', ending.error.message);
        const turn = recordTurn({
          runId,
          agentId: agent.id,
          input,
          policies: agent.toolPolicies(),
          outcome: ending.outcome,
          iteration,
          calls: accumulator.toolCalls(),
          answered: accumulator.answered(),
        });
        await store.threads.finishRun({
          threadId,
          runId,
          tenantId,
          agentId: agent.id,
          ...ending,
          finishedAt: new Date(now()),
          messages: accumulator.messages(),
          snapshot: createThreadSnapshot(tracker.current(), turn.pending),
          toolCalls: turn.toolCalls,
          interrupts: turn.interrupts,
        });
      },
    }),
    finalize(() => {
      abort.abort();
      metrics.runClosed(agent.id);
      free();
    }),
  );
  const events$ = defer(() => {
    if (subscribed) throw new Error(`Run ${runId} is already being consumed`);
    subscribed = true;
    return pipeline$;
  });
  return { threadId, runId, events$, cancel };
}

/** An input state counts when present and not an empty object (clients send `{}` by default). */
function hasState(state: unknown): boolean {
  if (state === undefined || state === null) return false;
  return !(typeof state === 'object' && !Array.isArray(state) && Object.keys(state).length === 0);
}

function assistantMessages(messages: Message[]): Map<string, Message> {
  return new Map(messages.filter((m) => m.role === 'assistant').map((m) => [m.id, m]));
}
