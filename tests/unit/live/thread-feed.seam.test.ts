import { describe, expect, it } from 'vitest';
import { createInMemoryEventBus } from '../../../src/live/in-memory-event-bus.js';
import { openThreadFeed, type FeedSink } from '../../../src/live/thread-feed.js';
import type { LoggedEvent } from '../../../src/store/event-log.js';
import { createInMemoryEventLog } from '../../fakes/in-memory-event-log.js';
import { seededRandom } from '../../fixtures/seeded-random.js';

const THREAD = 't';

function setup() {
  const log = createInMemoryEventLog();
  const bus = createInMemoryEventBus();
  /** Appends `count` events, then publishes them unless `publish` is false (a bus that lost them). */
  const commit = async (count: number, publish = true): Promise<LoggedEvent[]> => {
    const first = (await log.lastSeq(THREAD)) + 1;
    const events = Array.from({ length: count }, (_, i) => ({
      seq: first + i,
      runId: 'r',
      type: 'CUSTOM',
      json: JSON.stringify({ type: 'CUSTOM', name: 'n', value: first + i }),
    }));
    await log.append(THREAD, events);
    if (publish) bus.publish(THREAD, events);
    return events;
  };
  return { log, bus, commit };
}

/** A sink that records seqs and resolves `reached(seq)` waiters. */
function recordingSink(onWrite?: (event: LoggedEvent) => void | Promise<void>) {
  const seqs: number[] = [];
  const waiters: { seq: number; resolve: () => void }[] = [];
  const sink: FeedSink = {
    write(event) {
      seqs.push(event.seq);
      for (const w of waiters.filter((w) => event.seq >= w.seq)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      return onWrite?.(event);
    },
  };
  const reached = (seq: number) =>
    seqs.some((s) => s >= seq)
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ seq, resolve }));
  return { sink, seqs, reached };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('thread feed: replay then live', () => {
  it('delivers every event after `after` exactly once, in order, whatever commits land during the replay', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const random = seededRandom(seed);
      const { log, bus, commit } = setup();
      await commit(random.int(0, 120));
      const after = random.int(0, await log.lastSeq(THREAD));
      const target = (await log.lastSeq(THREAD)) + random.int(1, 150);
      // Commits happen inside the sink's writes, i.e. while the feed is replaying or draining.
      let committing = Promise.resolve();
      const { sink, seqs, reached } = recordingSink(() => {
        if (random.int(0, 3) === 0) {
          committing = committing.then(async () => {
            const room = target - (await log.lastSeq(THREAD));
            if (room > 0) await commit(Math.min(room, random.int(1, 9)));
          });
        }
        return random.int(0, 4) === 0 ? committing : undefined;
      });
      const feed = openThreadFeed({ log, bus, threadId: THREAD, after, pageSize: random.int(1, 40) }, sink);
      // Commits are serialized, as the run service's group commit is per thread.
      while ((await log.lastSeq(THREAD)) < target) {
        committing = committing.then(async () => {
          if ((await log.lastSeq(THREAD)) < target) await commit(1);
        });
        await committing;
      }
      await reached(target);
      feed.close();
      expect(seqs, `seed ${seed}`).toEqual(range(after + 1, target));
      expect(await feed.ended).toEqual({ reason: 'closed' });
    }
  });

  it('fills from the log a gap the bus left (a lost batch), without duplicates', async () => {
    const { log, bus, commit } = setup();
    await commit(3);
    const { sink, seqs, reached } = recordingSink();
    const feed = openThreadFeed({ log, bus, threadId: THREAD, after: 0 }, sink);
    await reached(3);
    await commit(4, false);
    await commit(2);
    await reached(9);
    await commit(1);
    await reached(10);
    feed.close();
    expect(seqs).toEqual(range(1, 10));
  });

  it('calls idle once caught up, and again after each live batch', async () => {
    const { log, bus, commit } = setup();
    await commit(5);
    const idles: number[] = [];
    let wake!: () => void;
    const { sink, seqs } = recordingSink();
    const feed = openThreadFeed(
      { log, bus, threadId: THREAD, after: 2 },
      {
        ...sink,
        idle: () => {
          idles.push(seqs.at(-1) ?? 0);
          wake?.();
        },
      },
    );
    await new Promise<void>((resolve) => (wake = resolve));
    expect(idles).toEqual([5]);
    const second = new Promise<void>((resolve) => (wake = resolve));
    await commit(2);
    await second;
    expect(idles).toEqual([5, 7]);
    feed.close();
    expect(feed.lastSeq).toBe(7);
  });
});

describe('thread feed: slow subscribers', () => {
  it('drops a subscriber that pushes back while more than maxBuffered events wait; others and the publisher go on', async () => {
    const { log, bus, commit } = setup();
    const stuck = openThreadFeed(
      { log, bus, threadId: THREAD, after: 0, maxBuffered: 5 },
      { write: () => new Promise<void>(() => undefined) },
    );
    const fast = recordingSink();
    const other = openThreadFeed({ log, bus, threadId: THREAD, after: 0, maxBuffered: 5 }, fast.sink);
    for (let i = 0; i < 10; i++) await commit(1);
    expect(await stuck.ended).toEqual({ reason: 'slow_consumer', lastSeq: 1 });
    await fast.reached(10);
    expect(fast.seqs).toEqual(range(1, 10));
    other.close();
  });

  it('does not drop a subscriber replaying history at its own pace while live batches pile up', async () => {
    const { log, bus, commit } = setup();
    const history = await commit(20, false);
    // Writes that push back (a transport taking its time), so the replay is slow.
    const { sink, seqs, reached } = recordingSink(
      () => new Promise<void>((resolve) => setImmediate(resolve)),
    );
    const feed = openThreadFeed({ log, bus, threadId: THREAD, after: 0, maxBuffered: 5, pageSize: 4 }, sink);
    await reached(2);
    // A bus that redelivers recent batches to a new subscription (Redis streams with a lookback),
    // and a run committing meanwhile: far more than maxBuffered live events during the replay.
    bus.publish(THREAD, history);
    for (let i = 0; i < 10; i++) await commit(1);
    await reached(30);
    expect(seqs).toEqual(range(1, 30));
    await commit(3);
    await reached(33);
    expect(seqs).toEqual(range(1, 33));
    feed.close();
    expect(await feed.ended).toEqual({ reason: 'closed' });
  });

  it('does not drop a subscriber for a batch larger than maxBuffered that it takes without pushing back', async () => {
    const { log, bus, commit } = setup();
    const { sink, seqs, reached } = recordingSink();
    const feed = openThreadFeed({ log, bus, threadId: THREAD, after: 0, maxBuffered: 5 }, sink);
    await commit(50);
    await reached(50);
    expect(seqs).toEqual(range(1, 50));
    feed.close();
    expect(await feed.ended).toEqual({ reason: 'closed' });
  });

  it('ends as failed when the log cannot be read', async () => {
    const { bus } = setup();
    const log = createInMemoryEventLog();
    log.read = () => Promise.reject(new Error('disk gone'));
    const feed = openThreadFeed({ log, bus, threadId: THREAD, after: 0 }, { write: () => undefined });
    expect(await feed.ended).toMatchObject({ reason: 'failed', error: new Error('disk gone') });
  });
});
