import { defer, finalize } from 'rxjs';
import type { Redis } from 'ioredis';
import type { Queue, QueueEvents } from 'bullmq';
import type { Logger } from 'pino';
import type { ControlChannel } from '../cluster/control-channel.js';
import type { RunLock } from '../cluster/run-lock.js';
import type { EventBus } from '../live/event-bus.js';
import { BridgeError, ConflictError } from '../protocol/bridge-error.js';
import type { RunHandle, RunService, StartRunRequest } from '../runs/run-service.js';
import type { EventLog } from '../store/event-log.js';
import { followRun } from './follow-run.js';
import { fromRefusal, goChannel, RunAcceptedSchema, runJobId, type RunJobData } from './run-job.js';

/** What a web instance's run service needs. */
export interface QueuedRunServiceDeps {
  queue: Queue<RunJobData>;
  /** Listening on `queue` from before the first job is added. */
  queueEvents: QueueEvents;
  /** A command connection (publishes the go signal). */
  redis: Redis;
  prefix: string;
  log: EventLog;
  bus: EventBus;
  lock: RunLock;
  control: ControlChannel;
  logger: Logger;
  now: () => number;
  /** How long a job may wait for a worker to pick it up. */
  pickupTimeoutMs: number;
  /** How long a picked-up job may take to be accepted or refused (an `enqueue` agent waits for its thread). */
  startTimeoutMs: number;
  /** How long `shutdown` waits for cancelled runs to log their end. */
  drainTimeoutMs?: number;
}

type Answer = { firstSeq: number } | { error: BridgeError };

/** Waiters for a job's acceptance or refusal, fed by QueueEvents (one listener for all jobs). */
function createAnswerWaiters(queueEvents: QueueEvents) {
  const waiters = new Map<string, (answer: Answer) => void>();
  const answer = (jobId: string, value: Answer) => {
    const waiter = waiters.get(jobId);
    waiters.delete(jobId);
    waiter?.(value);
  };
  queueEvents.on('progress', ({ jobId, data }) => {
    const accepted = RunAcceptedSchema.safeParse(data);
    if (accepted.success) answer(jobId, { firstSeq: accepted.data.firstSeq });
  });
  queueEvents.on('failed', ({ jobId, failedReason }) => answer(jobId, { error: fromRefusal(failedReason) }));
  // The same (thread, run) is already queued or running: as busy as a thread gets.
  queueEvents.on('duplicated', ({ jobId }) =>
    answer(jobId, { error: new ConflictError('THREAD_BUSY', `Run ${jobId} is already being started`) }),
  );
  return {
    wait(jobId: string, timeoutMs: number): Promise<Answer | null> {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(jobId);
          resolve(null);
        }, timeoutMs);
        waiters.set(jobId, (value) => {
          clearTimeout(timer);
          resolve(value);
        });
      });
    },
  };
}

/**
 * The run service of a web instance (`BRIDGE_ROLE=web`): it executes nothing. `start` queues the
 * run for a worker and waits for its answer, so refusals are the same BridgeErrors, before any
 * stream opens, as in single-process mode; an accepted run's `events$` follows the thread's log
 * and bus until the run's terminal event. `cancel` and `stop` go to the worker over the control
 * channel. `isActive` and `queued` know only the runs this instance started (like `queued` on
 * several instances).
 */
export function createQueuedRunService(deps: QueuedRunServiceDeps): RunService {
  const answers = createAnswerWaiters(deps.queueEvents);
  const pending = new Map<string, number>();
  const active = new Map<string, { cancel(): void; done: Promise<void> }>();
  const adjustPending = (threadId: string, by: number) => {
    const count = (pending.get(threadId) ?? 0) + by;
    if (count > 0) pending.set(threadId, count);
    else pending.delete(threadId);
  };
  const stopThread = (threadId: string) =>
    deps.control.publish({ type: 'stop', threadId }).catch((error: unknown) => {
      deps.logger.warn({ err: error, threadId }, 'could not send stop to the worker');
    });

  const pauseThread = (threadId: string) =>
    deps.control.publish({ type: 'pause', threadId }).catch((error: unknown) => {
      deps.logger.warn({ err: error, threadId }, 'could not send pause to the worker');
    });

  const handleFor = (request: StartRunRequest, jobId: string, firstSeq: number): RunHandle => {
    const { threadId, runId } = request.input;
    let subscribed = false;
    let ended = false;
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const cancel = () => {
      if (!ended) void stopThread(threadId);
    };
    const end = () => {
      ended = true;
      if (active.get(threadId)?.done === done) active.delete(threadId);
      release();
    };
    active.set(threadId, { cancel, done });
    const events$ = defer(() => {
      if (subscribed) throw new Error(`Run ${runId} is already being consumed`);
      subscribed = true;
      return followRun({
        log: deps.log,
        bus: deps.bus,
        threadId,
        runId,
        after: firstSeq - 1,
        // The worker holds the run until this instance listens: nothing logged can be missed.
        onOpen: () => {
          deps.redis.publish(goChannel(deps.prefix), jobId).catch((error: unknown) => {
            deps.logger.warn({ err: error, jobId }, 'could not send go to the worker');
          });
        },
      }).pipe(finalize(end));
    });
    const pause = () => {
      if (!ended) void pauseThread(threadId);
    };
    return { threadId, runId, events$, cancel, pause };
  };

  return {
    async start(request) {
      const { threadId, runId } = request.input;
      const jobId = runJobId(threadId, runId);
      const answer = answers.wait(jobId, deps.pickupTimeoutMs + deps.startTimeoutMs);
      adjustPending(threadId, 1);
      let result: Answer | null;
      try {
        const data: RunJobData = { ...request, pickupBy: deps.now() + deps.pickupTimeoutMs };
        await deps.queue.add('run', data, { jobId, removeOnComplete: true, removeOnFail: true });
        deps.logger.info({ threadId, runId, jobId }, 'run queued for a worker');
        result = await answer;
      } finally {
        adjustPending(threadId, -1);
      }
      if (!result) {
        await deps.queue.remove(jobId).catch(() => undefined);
        throw new BridgeError('INTERNAL_ERROR', 503, 'No worker accepted the run in time');
      }
      if ('error' in result) throw result.error;
      return handleFor(request, jobId, result.firstSeq);
    },
    async stop(threadId) {
      if (!(await deps.lock.isHeld(threadId))) return false;
      await deps.control.publish({ type: 'stop', threadId });
      return true;
    },
    async pause(threadId) {
      // The run executes on a worker: it acts on the control message; the store knows the run id.
      if (!(await deps.lock.isHeld(threadId))) return null;
      await deps.control.publish({ type: 'pause', threadId });
      return { runId: null };
    },
    isActive: (threadId) => active.has(threadId),
    queued: (threadId) => pending.get(threadId) ?? 0,
    async shutdown() {
      // As in single-process mode, the runs this instance streams end cancelled (on their worker).
      const runs = [...active.values()];
      for (const run of runs) run.cancel();
      const limit = new Promise<void>((r) => setTimeout(r, deps.drainTimeoutMs ?? 10_000).unref());
      await Promise.race([Promise.all(runs.map((r) => r.done)), limit]);
      await deps.queueEvents.close();
      await deps.queue.close();
    },
  };
}
