import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { eventsOnWire } from '../../../bench/event-mix.js';
import { startMemoryHost } from '../../../bench/memory-host-driver.js';
import { floorContestant } from '../../../bench/servers/floor-server.js';
import type { Backing, Contestant } from '../../../bench/servers/server-under-test.js';

/** The host loads every contestant's code (the whole bridge) before it answers: seconds on a busy machine. */
const HOST_TIMEOUT_MS = 60_000;

/** A backing that only records that it was removed (the floor keeps nothing outside its process). */
function recordedBacking(): { backing: () => Promise<Backing>; removed: () => number } {
  let removed = 0;
  return {
    backing: async () => ({ settings: { UNUSED: 'yes' }, remove: async () => void removed++ }),
    removed: () => removed,
  };
}

/** A floor run read as frames: resolves `first` on the first frame, `frames` with the count at the end. */
function floorRun(url: string): { first: Promise<void>; frames: Promise<number>; ended(): boolean } {
  let ended = false;
  let onFirst!: () => void;
  const first = new Promise<void>((resolve) => (onFirst = resolve));
  const frames = new Promise<number>((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (body.includes('\n\n')) onFirst();
        });
        res.on('end', () => {
          ended = true;
          resolve(body.split('\n\n').filter((frame) => frame.trim() !== '').length);
        });
      })
      .on('error', reject);
  });
  return { first, frames, ended: () => ended };
}

describe(
  'memory host (figure 5: a contestant in a process of its own)',
  { timeout: 2 * HOST_TIMEOUT_MS },
  () => {
    it('starts a contestant by key, samples its memory, holds runs on its gate, then stops and removes the backing', async () => {
      const record = recordedBacking();
      const contestant: Contestant = { ...floorContestant, createBacking: record.backing };
      const host = await startMemoryHost(contestant, HOST_TIMEOUT_MS);
      let stopped: string[] = [];
      try {
        const sample = await host.sample();
        expect(sample.rss).toBeGreaterThan(0);
        expect(sample.heapUsed).toBeGreaterThan(0);
        expect(sample.heapUsed).toBeLessThan(sample.rss);

        await host.setGate(false);
        const run = floorRun(`${host.url}/?events=3&holdAfter=1`);
        await run.first;
        // A round trip to the host (two collections and a pause): a run the gate let through would
        // have ended long before; a held one never ends on its own.
        await host.sample();
        expect(run.ended()).toBe(false);
        await host.setGate(true);
        expect(await run.frames).toBe(eventsOnWire(3));
      } finally {
        stopped = await host.stop();
      }
      expect(stopped).toEqual([]);
      expect(record.removed()).toBe(1);
      await expect(host.sample()).rejects.toThrow(/memory host exited/);
    });

    it('kills the host and removes the backing when the contestant cannot start there', async () => {
      const record = recordedBacking();
      const unknown: Contestant = {
        ...floorContestant,
        key: 'no-such-contestant',
        createBacking: record.backing,
      };
      await expect(startMemoryHost(unknown, HOST_TIMEOUT_MS)).rejects.toThrow(
        /no contestant no-such-contestant/,
      );
      expect(record.removed()).toBe(1);
    });
  },
);
