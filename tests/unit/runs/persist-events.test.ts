import { Observable } from 'rxjs';
import { EventType, type BaseEvent } from '@ag-ui/core';
import { describe, expect, it } from 'vitest';
import { persistEvents } from '../../../src/runs/persist-events.js';
import type { EventLog, LoggedEvent } from '../../../src/store/event-log.js';
import { createInMemoryEventLog } from '../../fakes/in-memory-event-log.js';

/** A log whose synchronous append is `now` (absent: the log has none). */
function logWith(now?: (events: readonly LoggedEvent[]) => boolean): EventLog & { committed: number[][] } {
  const inner = createInMemoryEventLog();
  const committed: number[][] = [];
  return {
    committed,
    lastSeq: inner.lastSeq,
    read: inner.read,
    append: async (threadId, events) => {
      await inner.append(threadId, events);
      committed.push(events.map((e) => e.seq));
    },
    ...(now
      ? {
          appendNow: (threadId: string, events: readonly LoggedEvent[]) => {
            if (!now(events)) return false;
            void inner.append(threadId, events);
            committed.push(events.map((e) => e.seq));
            return true;
          },
        }
      : {}),
  };
}

/**
 * One synchronous burst of `count` text events; `seen()` is read before each emission, so
 * `before[i]` is how many events had come out of the pipeline when event i was made.
 */
function burst(count: number, seen: () => number, before: number[]): Observable<BaseEvent> {
  return new Observable<BaseEvent>((subscriber) => {
    for (let i = 0; i < count; i++) {
      before.push(seen());
      subscriber.next({ type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm', delta: `${i}` } as BaseEvent);
    }
    subscriber.complete();
  });
}

/** Runs the burst through `persistEvents`: the seqs that came out, and `before` (see `burst`). */
async function persist(log: EventLog, count: number): Promise<{ passed: number[]; before: number[] }> {
  const passed: number[] = [];
  const before: number[] = [];
  await new Promise<void>((resolve, reject) =>
    burst(count, () => passed.length, before)
      .pipe(persistEvents({ log, threadId: 't', runId: 'r', lastSeq: 0 }))
      .subscribe({ next: (e) => passed.push(e.seq), complete: resolve, error: reject }),
  );
  return { passed, before };
}

describe('persistEvents in a synchronous burst', () => {
  it('commits and emits every 256 events during the burst when the log can commit at once', async () => {
    const log = logWith(() => true);
    const { passed, before } = await persist(log, 600);
    expect(passed).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    // Event 257 is made after the first 256 were committed and emitted; the last 88 go at the end.
    expect(before[255]).toBe(0);
    expect(before[256]).toBe(256);
    expect(before[599]).toBe(512);
    // The burst ends in the task that made it: all but its last event are committed then too.
    expect(log.committed.map((seqs) => seqs.length)).toEqual([256, 256, 87, 1]);
  });

  it('leaves the burst to the usual append when the log cannot commit now, or has no such append', async () => {
    for (const log of [logWith(() => false), logWith()]) {
      const { passed, before } = await persist(log, 600);
      expect(passed).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
      expect(before.every((n) => n === 0)).toBe(true);
      expect(log.committed.map((seqs) => seqs.length)).toEqual([600]);
    }
  });

  it('fails the run when the synchronous append throws, and emits nothing of that batch', async () => {
    const log = logWith(() => {
      throw new Error('disk full');
    });
    const passed: number[] = [];
    const error = await new Promise<unknown>((resolve) =>
      burst(300, () => passed.length, [])
        .pipe(persistEvents({ log, threadId: 't', runId: 'r', lastSeq: 0 }))
        .subscribe({ next: (e) => passed.push(e.seq), complete: () => resolve(undefined), error: resolve }),
    );
    expect(error).toEqual(new Error('disk full'));
    expect(passed).toEqual([]);
  });
});

describe('persistEvents: the terminal event of a synchronous burst', () => {
  it("is never committed at once: the run's end is stored before it is emitted", async () => {
    const log = logWith(() => true);
    const order: string[] = [];
    await new Promise<void>((resolve, reject) =>
      new Observable<BaseEvent>((subscriber) => {
        // 255 events, then RUN_FINISHED as the 256th: a synchronous commit would take it.
        for (let i = 0; i < 255; i++)
          subscriber.next({
            type: EventType.TEXT_MESSAGE_CONTENT,
            messageId: 'm',
            delta: `${i}`,
          } as BaseEvent);
        subscriber.next({ type: EventType.RUN_FINISHED, threadId: 't', runId: 'r' } as BaseEvent);
        subscriber.complete();
      })
        .pipe(
          persistEvents({
            log,
            threadId: 't',
            runId: 'r',
            lastSeq: 0,
            end: async (events) => void order.push(`run end stored with ${events.map((e) => e.type)}`),
          }),
        )
        .subscribe({
          next: (e) => {
            if (e.type === EventType.RUN_FINISHED) order.push('RUN_FINISHED emitted');
          },
          complete: resolve,
          error: reject,
        }),
    );
    expect(order).toEqual(['run end stored with RUN_FINISHED', 'RUN_FINISHED emitted']);
    // The burst committed at once; the terminal event went to the log with the run's end, not alone.
    expect(log.committed.map((seqs) => seqs.length)).toEqual([255]);
  });
});

const text = (i: number) =>
  ({ type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm', delta: `${i}` }) as BaseEvent;
const finished = { type: EventType.RUN_FINISHED, threadId: 't', runId: 'r' } as BaseEvent;

/**
 * Runs `source` through `persistEvents` with `end`, the log's appends each taking `appendMs`:
 * everything in the order it happened (emitted events, ends, completion) and the log.
 */
async function persistWithEnd(
  source: Observable<BaseEvent>,
  end: (events: readonly LoggedEvent[]) => Promise<void>,
  appendMs = 0,
): Promise<{ out: string[]; log: ReturnType<typeof logWith> }> {
  const log = logWith();
  const append = log.append;
  log.append = async (threadId, events) => {
    await new Promise((resolve) => setTimeout(resolve, appendMs));
    await append(threadId, events);
  };
  const out: string[] = [];
  const ending = async (events: readonly LoggedEvent[]) => {
    out.push(`end: ${events.map((e) => `${e.seq} ${e.type}`).join(', ')}`);
    await end(events);
  };
  await new Promise<void>((resolve) =>
    source.pipe(persistEvents({ log, threadId: 't', runId: 'r', lastSeq: 0, end: ending })).subscribe({
      next: (e) => out.push(`${e.seq} ${e.type}`),
      complete: () => resolve(out.push('complete') as unknown as void),
      error: (error: Error) => {
        out.push(`error: ${error.message}`);
        resolve();
      },
    }),
  );
  return { out, log };
}

describe("persistEvents: the run's last batch and its end", () => {
  it('logs a terminal event that comes while the batch before it is written with the end, once, and emits it after', async () => {
    const { out, log } = await persistWithEnd(
      new Observable<BaseEvent>((subscriber) => {
        subscriber.next(text(0));
        subscriber.next(text(1));
        // The first batch is being written (20 ms) when the terminal event comes; completion later.
        setTimeout(() => subscriber.next(finished), 5);
        setTimeout(() => subscriber.complete(), 40);
      }),
      async () => undefined,
      20,
    );
    expect(log.committed).toEqual([[1, 2]]);
    expect(out).toEqual([
      '1 TEXT_MESSAGE_CONTENT',
      '2 TEXT_MESSAGE_CONTENT',
      'end: 3 RUN_FINISHED',
      '3 RUN_FINISHED',
      'complete',
    ]);
  });

  it('stores the end with no events when the source ends, without a terminal event, while its last batch is written', async () => {
    const { out, log } = await persistWithEnd(
      new Observable<BaseEvent>((subscriber) => {
        subscriber.next(text(0));
        setTimeout(() => subscriber.complete(), 5);
      }),
      async () => undefined,
      20,
    );
    expect(log.committed).toEqual([[1]]);
    expect(out).toEqual(['1 TEXT_MESSAGE_CONTENT', 'end: ', 'complete']);
  });

  it('fails the run when the end is refused, and emits nothing of its batch', async () => {
    const { out } = await persistWithEnd(
      new Observable<BaseEvent>((subscriber) => {
        subscriber.next(text(0));
        subscriber.next(finished);
        subscriber.complete();
      }),
      async () => {
        throw new Error('end refused');
      },
    );
    expect(out).toEqual(['end: 1 TEXT_MESSAGE_CONTENT, 2 RUN_FINISHED', 'error: end refused']);
  });
});

describe('persistEvents: a run that ends in the task that made its events', () => {
  it('emits all but the terminal event before that task ends, not on a later microtask', () => {
    const log = logWith(() => true);
    const seen: string[] = [];
    new Observable<BaseEvent>((subscriber) => {
      for (let i = 0; i < 10; i++)
        subscriber.next({ type: EventType.TEXT_MESSAGE_CONTENT, messageId: 'm', delta: `${i}` } as BaseEvent);
      subscriber.next({ type: EventType.RUN_FINISHED, threadId: 't', runId: 'r' } as BaseEvent);
      subscriber.complete();
    })
      .pipe(persistEvents({ log, threadId: 't', runId: 'r', lastSeq: 0 }))
      .subscribe((e) => seen.push(e.type));
    // Synchronously, before any microtask: other runs resumed in the same task would run first.
    expect(seen).toEqual(Array(10).fill(EventType.TEXT_MESSAGE_CONTENT));
    expect(log.committed).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
  });
});
