import { measure, type PersistenceSamples, type SuitePlan } from './figures.js';
import type { LoadClient } from './load-driver.js';
import type { ServerUnderTest } from './servers/server-under-test.js';

/**
 * Figure 6: events/s of one long run and of simultaneous runs, and the rows the event log gained
 * per second over both (counted in the database before and after). The same figure on the bridge
 * whose log is in memory gives the cost of persistence.
 */
export async function measurePersistence(
  client: LoadClient,
  server: ServerUnderTest,
  plan: SuitePlan,
  log: (line: string) => void,
): Promise<PersistenceSamples> {
  const { events, reps, concurrency, concurrentEvents } = plan.persistence;
  const timeoutMs = plan.timeoutMs;
  const rowsBefore = await server.loggedEvents?.();
  const started = performance.now();
  log(
    `  figure 6: one run of ${events} events, ${reps} times; ${concurrency} runs of ${concurrentEvents} events`,
  );
  const single = await measure(client, server.url, { events, concurrency: 1, reps, timeoutMs });
  const concurrent = await measure(client, server.url, {
    events: concurrentEvents,
    concurrency,
    reps: 1,
    timeoutMs,
  });
  const seconds = (performance.now() - started) / 1000;
  const rowsAfter = await server.loggedEvents?.();
  if (rowsBefore === undefined || rowsAfter === undefined) return { single, concurrent };
  const rows = rowsAfter - rowsBefore;
  return { single, concurrent, rows, rowsPerSec: rows / seconds };
}
