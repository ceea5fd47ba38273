import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import { EventEncoder } from '@ag-ui/encoder';
import { scriptedAguiEvents } from '../event-mix.js';
import { preciseNow, requestedShape, type RunShape } from '../run-shape.js';
import { shapedEvents } from '../shaped-events.js';
import { closeServer, listenOnLoopback, type Contestant, type ServerUnderTest } from './server-under-test.js';

/** Frames written per corked burst: one writev per burst instead of one syscall per frame. */
const BURST = 64;

/** The SSE frames of a run of `events` events, encoded once and reused by every request. */
function framesFor(cache: Map<number, Buffer[]>, events: number): Buffer[] {
  let frames = cache.get(events);
  if (!frames) {
    const encoder = new EventEncoder();
    const mix = scriptedAguiEvents({ events, threadId: 'floor-thread', runId: 'floor-run', now: () => 0 });
    frames = [...mix].map((event) => Buffer.from(encoder.encodeSSE(event)));
    cache.set(events, frames);
  }
  return frames;
}

async function writeFrames(res: ServerResponse, frames: Buffer[]): Promise<void> {
  for (let i = 0; i < frames.length && !res.destroyed; i += BURST) {
    res.cork();
    let ok = true;
    for (const frame of frames.slice(i, i + BURST)) ok = res.write(frame) && ok;
    res.uncork();
    if (!ok) await once(res, 'drain');
  }
  res.end();
}

/** A paced, held or stamped run: each event encoded as it is emitted, one write each. */
function writeShaped(res: ServerResponse, shape: RunShape): void {
  const encoder = new EventEncoder();
  const stamp = shape.stamp ? { stamp: preciseNow } : {};
  const mix = () =>
    scriptedAguiEvents({
      events: shape.events,
      threadId: 'floor-thread',
      runId: 'floor-run',
      now: Date.now,
      ...stamp,
    });
  const subscription = shapedEvents(mix, shape).subscribe({
    next: (event) => res.write(encoder.encodeSSE(event)),
    complete: () => res.end(),
  });
  res.on('close', () => subscription.unsubscribe());
}

/** The run shape of a floor request, from its query (the floor parses no body). */
function shapeOf(query: URLSearchParams): RunShape {
  return requestedShape({
    benchEvents: Number(query.get('events') ?? 1000),
    benchIntervalMs: Number(query.get('intervalMs') ?? 0),
    benchHoldAfter: Number(query.get('holdAfter') ?? 0),
    benchStamp: query.get('stamp') === '1',
  });
}

/**
 * The floor: plain `node:http` writing pre-encoded SSE frames, honouring backpressure. No parsing
 * beyond the URL, no per-event work: what any server in Node can at best do over this socket.
 */
export async function startFloorServer(): Promise<ServerUnderTest> {
  const cache = new Map<number, Buffer[]>();
  const server = createServer((req, res) => {
    const shape = shapeOf(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams);
    req.resume();
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.socket?.setNoDelay(true);
    if (shape.intervalMs > 0 || shape.holdAfter || shape.stamp) writeShaped(res, shape);
    else writeFrames(res, framesFor(cache, shape.events)).catch(() => res.destroy());
  });
  const url = await listenOnLoopback(server);
  return { url, close: () => closeServer(server) };
}

/** The floor as a contestant. */
export const floorContestant: Contestant = {
  key: 'floor',
  label: 'floor (node:http, pre-encoded)',
  start: startFloorServer,
};
