import type { Observable } from 'rxjs';
import type { RunAgentInput } from '@ag-ui/core';
import type { Logger } from 'pino';
import type { AgentRegistry } from '../agents/agent-registry.js';
import type { ControlChannel } from '../cluster/control-channel.js';
import type { RunLease, RunLock } from '../cluster/run-lock.js';
import type { EventBus } from '../live/event-bus.js';
import { ConflictError, NotFoundError } from '../protocol/bridge-error.js';
import type { BridgeStore } from '../store/bridge-store.js';
import type { SequencedEvent } from './persist-events.js';
import { prepareRun } from './prepare-run.js';
import type { PriceTable } from './price-table.js';
import type { RunMetrics } from './run-metrics.js';
import { createTurnGate } from './turn-gate.js';

/** What the run service needs. */
export interface RunServiceDeps {
  agents: AgentRegistry;
  store: BridgeStore;
  /** Committed events are published here for live subscribers (other tabs, consoles). */
  bus: EventBus;
  /** One run per thread across instances. */
  lock: RunLock;
  /** Reaches the instance that runs a thread (stop, pause). */
  control: ControlChannel;
  /** Run counters for monitoring; none by default. */
  metrics?: RunMetrics;
  /** Prices per model for the cost of LLM calls; none: costs are null, tokens still counted. */
  prices?: PriceTable;
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
  /** Asks the agent to pause at its next safe point (idempotent; agents without safe points ignore it). */
  pause(): void;
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
  /**
   * Asks the thread's active run, wherever it runs, to pause at its next safe point. Null when no
   * run is active; `runId` is null when another instance runs it (the store knows which run).
   */
  pause(threadId: string): Promise<{ runId: string | null } | null>;
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
  runId: string;
  cancel(reason?: Error): void;
  pause(): void;
  done: Promise<void>;
}

/** The run service over an agent registry and a store. */
export function createRunService(deps: RunServiceDeps): RunService {
  const active = new Map<string, ActiveRun>();
  const waiting = new Map<string, number>();
  // A burst of starts is admitted one per loop turn, so the runs already streaming keep flowing.
  const starts = createTurnGate();
  const adjustWaiting = (threadId: string, by: number) => {
    const count = (waiting.get(threadId) ?? 0) + by;
    if (count > 0) waiting.set(threadId, count);
    else waiting.delete(threadId);
  };
  deps.control.subscribe((message) => {
    if (message.type === 'stop') active.get(message.threadId)?.cancel();
    if (message.type === 'pause') active.get(message.threadId)?.pause();
  });

  return {
    async start(request) {
      const { agentId, input } = request;
      await starts.turn();
      // The agent's current definition: a run keeps the agent object (and version) it starts with.
      await deps.agents.refresh();
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
      // A pause asked for before the run is prepared is remembered and passed on once it is.
      let pausing = false;
      const slot: ActiveRun = {
        runId: input.runId,
        cancel: () => undefined,
        pause: () => void (pausing = true),
        done: new Promise<void>((r) => (release = r)),
      };
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
        slot.pause = handle.pause;
        if (pausing) handle.pause();
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
    async pause(threadId) {
      const run = active.get(threadId);
      if (run) {
        run.pause();
        return { runId: run.runId };
      }
      if (!(await deps.lock.isHeld(threadId))) return null;
      await deps.control.publish({ type: 'pause', threadId });
      return { runId: null };
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
