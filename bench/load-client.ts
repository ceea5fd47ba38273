import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { requestRun, type RunResult } from './client.js';

/**
 * The load client's process (forked by `startLoadClient`): it runs on its own core, so parsing
 * the streams does not take event-loop time from the server under test.
 */

/** A batch of simultaneous runs against one server. */
export interface LoadJob {
  id: number;
  baseUrl: string;
  events: number;
  /** Runs started at once (bounded by `MAX_CONCURRENCY`). */
  concurrency: number;
  timeoutMs: number;
}

/** What a batch measured. */
export interface BatchResult {
  /** From starting the first run to the end of the last, in ms. */
  wallMs: number;
  runs: RunResult[];
}

/** The most simultaneous runs one batch may start. */
export const MAX_CONCURRENCY = 2000;

const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_CONCURRENCY });

/** Starts `concurrency` runs at once and waits for all of them. */
export async function runBatch(job: LoadJob): Promise<BatchResult> {
  const count = Math.min(Math.max(1, job.concurrency), MAX_CONCURRENCY);
  const start = performance.now();
  const runs = await Promise.all(
    Array.from({ length: count }, () =>
      requestRun({ baseUrl: job.baseUrl, events: job.events, agent, timeoutMs: job.timeoutMs }),
    ),
  );
  return { wallMs: performance.now() - start, runs };
}

if (process.send) {
  process.on('message', (job: LoadJob) => {
    runBatch(job).then(
      (result) => process.send?.({ id: job.id, result }),
      (error: unknown) => process.send?.({ id: job.id, error: String(error) }),
    );
  });
  // The parent went away: nothing more to do.
  process.on('disconnect', () => process.exit(0));
}
