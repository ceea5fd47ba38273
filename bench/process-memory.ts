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

/** How long V8 takes to unmap the pages a full collection freed (in the background: 20 ms here). */
const UNMAP_MS = 100;

/**
 * Resident and heap memory of this process (figure 5's host: one server under test and nothing
 * else) after two full collections and a short pause, so what is measured is what is held, not
 * garbage. The heap is read right after the last collection; RSS once the pages it freed are gone.
 */
export async function settledMemory(): Promise<MemorySample> {
  collect();
  await pause(200);
  collect();
  const { heapUsed } = process.memoryUsage();
  await pause(UNMAP_MS);
  return { rss: process.memoryUsage.rss(), heapUsed };
}
