import { lastValueFrom } from 'rxjs';
import type { Redis } from 'ioredis';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { BridgeError, InvalidInputError, toBridgeError } from '../protocol/bridge-error.js';
import type { RunHandle, RunService } from '../runs/run-service.js';
import type { EventLog } from '../store/event-log.js';
import {
  bullPrefix,
  goChannel,
  RUN_QUEUE,
  RunJobDataSchema,
  toRefusal,
  type RunAccepted,
} from './run-job.js';

/** What a worker needs. */
export interface RunWorkerDeps {
  /** For BullMQ (`maxRetriesPerRequest: null`); owned by the worker, which disconnects it on close. */
  connection: Redis;
  prefix: string;
  /** The real run service: this process executes the runs. */
  runs: RunService;
  log: EventLog;
  logger: Logger;
  now: () => number;
  /** Runs executed at once by this process. */
  concurrency: number;
  /** How long an accepted run waits for its web instance to listen before it is cancelled. */
  goTimeoutMs?: number;
}

/** A started worker. */
export interface RunWorker {
  /** Takes no more jobs, cancels active runs (each logs its end) and waits for them. */
  close(): Promise<void>;
}

/** Waits for the go signals of web instances (one subscriber connection for every job). */
async function listenForGo(subscriber: Redis, channel: string) {
  const waiters = new Map<string, () => void>();
  subscriber.on('message', (from: string, jobId: string) => {
    if (from === channel) waiters.get(jobId)?.();
  });
  await subscriber.subscribe(channel);
  return (jobId: string, timeoutMs: number): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => settle(false), timeoutMs);
      const settle = (go: boolean) => {
        clearTimeout(timer);
        waiters.delete(jobId);
        resolve(go);
      };
      waiters.set(jobId, () => settle(true));
    });
}

/**
 * Executes queued runs (`BRIDGE_ROLE=worker`): for each job it starts the run on the real run
 * service, reports acceptance and the run's first `seq` as job progress (or fails the job,
 * without retry, with the refusal), waits until the web instance listens, executes the run and
 * completes the job when the run has logged its end. Stalled jobs are not retried: a worker that
 * died leaves its runs to the orphan reaper, which logs their `RUN_ERROR`.
 */
export async function startRunWorker(deps: RunWorkerDeps): Promise<RunWorker> {
  const subscriber = deps.connection.duplicate();
  const waitForGo = await listenForGo(subscriber, goChannel(deps.prefix));
  let closing = false;

  const execute = async (job: Job): Promise<{ runId: string }> => {
    const parsed = RunJobDataSchema.safeParse(job.data);
    if (!parsed.success) throw refuse(new InvalidInputError('The queued run is not a valid request'));
    const { pickupBy, ...request } = parsed.data;
    if (closing || deps.now() > pickupBy) {
      throw refuse(new BridgeError('INTERNAL_ERROR', 503, 'No worker accepted the run in time'));
    }
    let handle: RunHandle;
    try {
      handle = await deps.runs.start(request);
    } catch (error) {
      throw refuse(toBridgeError(error));
    }
    const { threadId, runId } = handle;
    const go = waitForGo(job.id ?? '', deps.goTimeoutMs ?? 30_000);
    try {
      // The thread is held and the run not consumed yet: nothing is appended meanwhile.
      const accepted: RunAccepted = { accepted: true, firstSeq: (await deps.log.lastSeq(threadId)) + 1 };
      await job.updateProgress(accepted);
      const listened = await go;
      if (!listened) deps.logger.warn({ threadId, runId }, 'the web instance never listened: run cancelled');
      if (!listened || closing) handle.cancel();
    } catch (error) {
      handle.cancel();
      deps.logger.error({ err: error, threadId, runId }, 'could not report the run as accepted');
    }
    deps.logger.info({ threadId, runId, jobId: job.id }, 'worker executing run');
    // Always consumed, so the run logs its end and frees the thread whatever happened above.
    await lastValueFrom(handle.events$, { defaultValue: undefined });
    return { runId };
  };

  const worker = new Worker(RUN_QUEUE, execute, {
    connection: deps.connection,
    prefix: bullPrefix(deps.prefix),
    concurrency: deps.concurrency,
    maxStalledCount: 0,
  });
  worker.on('error', (error) => deps.logger.warn({ err: error }, 'run worker error'));
  await worker.waitUntilReady();

  let closed: Promise<void> | undefined;
  return {
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = worker.close();
        // Runs started before `closing` was set: cancel them so the worker's close can finish.
        await deps.runs.shutdown();
        await stopped;
        subscriber.disconnect();
        deps.connection.disconnect();
      })();
      return closed;
    },
  };
}

function refuse(error: BridgeError): UnrecoverableError {
  return new UnrecoverableError(toRefusal(error));
}
