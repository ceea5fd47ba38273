import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');
/** A full collection (the bench needs it for memory deltas; `--expose-gc` set at runtime). */
const collect = vm.runInNewContext('gc') as () => void;

/** This process's memory after a full collection. */
export interface MemorySample {
  rss: number;
  heapUsed: number;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resident and heap memory of this process (figure 5's host: one server under test and nothing
 * else) after two full collections and a short pause, so what is measured is what is held, not garbage.
 */
export async function settledMemory(): Promise<MemorySample> {
  collect();
  await pause(200);
  collect();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}
