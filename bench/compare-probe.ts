/**
 * Figures 1, 3 (100 runs) and 7 on the Express server and the bridge (SQLite) alone, in seconds:
 * `npx tsx bench/compare-probe.ts [checkout]`, run from that checkout (default: this one). Run it
 * in two checkouts one after the other, several times, to compare two versions of the bridge on
 * one host (a full `npm run bench` takes minutes, and hosts differ more than versions do). Prints
 * the median events/s of each measurement and the server's CPU per event (steadier on a shared
 * machine). `PROBE_FLOOR=1` adds the floor.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Figures from './figures.js';
import type * as LoadDriver from './load-driver.js';
import type * as BridgeServer from './servers/bridge-server.js';
import type * as ExpressServer from './servers/express-server.js';
import type * as FloorServer from './servers/floor-server.js';
import type * as Stats from './stats.js';

const root = path.resolve(process.argv[2] ?? '.');
const load = <T>(file: string): Promise<T> =>
  import(pathToFileURL(path.join(root, 'bench', file)).href) as Promise<T>;
const { measure } = await load<typeof Figures>('figures.ts');
const { startLoadClient } = await load<typeof LoadDriver>('load-driver.ts');
const { bridgeContestants } = await load<typeof BridgeServer>('servers/bridge-server.ts');
const { expressContestant } = await load<typeof ExpressServer>('servers/express-server.ts');
const { floorContestant } = await load<typeof FloorServer>('servers/floor-server.ts');
const { median } = await load<typeof Stats>('stats.ts');
/** `PROBE_FLOOR=1` measures the floor too (figure 7's share of it). */
const contestants = [
  ...(process.env.PROBE_FLOOR === '1' ? [floorContestant] : []),
  expressContestant,
  bridgeContestants[0]!,
];

/** Each measurement: label, events per run, simultaneous runs, repetitions. */
const PLAN: [string, number, number, number][] = [
  ['1: 5000 events', 5000, 1, 7],
  ['3: 100 x 200', 200, 100, 3],
  ['7: 1000', 1000, 1, 5],
  ['7: 10000', 10_000, 1, 3],
  ['7: 50000', 50_000, 1, 2],
];

const client = startLoadClient();
try {
  for (const contestant of contestants) {
    const server = await contestant.start();
    try {
      const sample = async (events: number, concurrency: number, reps: number) => {
        const samples = await measure(client, server.url, { events, concurrency, reps, timeoutMs: 120_000 });
        // A checkout from before the bench measured CPU has no `cpuUsPerEvent`.
        const cpu = samples.cpuUsPerEvent?.length ? median(samples.cpuUsPerEvent) : Number.NaN;
        return { rate: median(samples.eventsPerSec), cpu };
      };
      await sample(2000, 1, 5);
      const cells: string[] = [];
      for (const [label, events, concurrency, reps] of PLAN) {
        const { rate, cpu } = await sample(events, concurrency, reps);
        const cost = Number.isNaN(cpu) ? '' : ` (${cpu.toFixed(1)} µs CPU per event)`;
        cells.push(`${label}: ${(rate / 1000).toFixed(1)}k${cost}`);
      }
      console.log(`${root} ${contestant.key}: ${cells.join(', ')}`);
    } finally {
      await server.close();
    }
  }
} finally {
  client.close();
}
