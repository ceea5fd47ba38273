import { afterEach, describe, expect, it } from 'vitest';
import type { BaseEvent } from '@ag-ui/core';
import { createControlledAgent } from '../../fakes/controlled-agent.js';
import { mixedScript } from '../../fakes/mixed-script.js';
import { startLiveTestBridge, type LiveTestBridge } from '../../fixtures/live-test-bridge.js';
import { verifyAgui } from '../../fixtures/run-agent-verified.js';
import { seededRandom } from '../../fixtures/seeded-random.js';
import { openSse, type SseFrame } from '../../fixtures/sse-client.js';
import { runInput } from '../../fixtures/run-input.js';

let bridge: LiveTestBridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

const input = (threadId: string, runId: string) => runInput(threadId, runId, 'go');

interface Logged {
  seq: number;
  event: BaseEvent;
}

async function logOf(url: string, threadId: string): Promise<Logged[]> {
  const body = (await (await fetch(`${url}/threads/${threadId}/events`)).json()) as { events: Logged[] };
  return body.events;
}

/** Starts a run of the controlled agent over HTTP; resolves with its driver and its client. */
async function startRun(
  agent: ReturnType<typeof createControlledAgent>,
  threadId: string,
  runId: string,
  headers: Record<string, string> = {},
) {
  const client = openSse(`${bridge!.url}/agent/controlled/run`, input(threadId, runId), headers);
  const run = await agent.nextRun();
  return { run, client };
}

function dataFrames(frames: SseFrame[]): SseFrame[] {
  return frames.filter((f) => f.data !== undefined);
}

const follow = (threadId: string, headers: Record<string, string> = {}, query = '?after=0') =>
  openSse(`${bridge!.url}/threads/${threadId}/events${query}`, undefined, headers);

describe('SSE follow: resume with Last-Event-ID', () => {
  it('a follower cut at 200+ random points and resumed with Last-Event-ID gets the log exactly, in order', async () => {
    const agent = createControlledAgent();
    // Small replay pages: each of the 200+ connections reads little past its cut point.
    bridge = await startLiveTestBridge({ extraAgents: [agent], liveLimits: { pageSize: 32 } });
    const { run, client } = await startRun(agent, 't-cuts', 'r1');
    for (const event of mixedScript(seededRandom(7), 1200)) run.emit(event);
    run.complete();
    await client.ended;
    const log = await logOf(bridge.url, 't-cuts');
    expect(log.length).toBeGreaterThan(1300);

    const random = seededRandom(20260101);
    const received: { seq: number; data: string }[] = [];
    let lastId = 0;
    let cuts = 0;
    while (lastId < log.length) {
      const take = Math.min(random.int(0, 10), log.length - lastId);
      // The first request carries only `?after=0`; each reconnect resends that URL plus
      // Last-Event-ID, as EventSource does: the header must win.
      const connection = follow('t-cuts', cuts === 0 ? {} : { 'last-event-id': String(lastId) });
      expect(await connection.status).toBe(200);
      const frames = dataFrames(await connection.waitFor((f) => dataFrames(f).length >= take)).slice(0, take);
      connection.close();
      cuts++;
      // Whatever arrived after the cut point is dropped, as a client that lost the connection would.
      for (const frame of frames) received.push({ seq: Number(frame.id), data: frame.data! });
      if (frames.length > 0) lastId = Number(frames.at(-1)!.id);
    }

    expect(cuts).toBeGreaterThanOrEqual(200);
    expect(received.map((r) => r.seq)).toEqual(log.map((e) => e.seq));
    const events = received.map((r) => JSON.parse(r.data) as BaseEvent);
    expect(events).toEqual(log.map((e) => e.event));
    await verifyAgui(events);
    await expect.poll(() => bridge!.subscribers.counts('t-cuts').sse).toBe(0);
  });

  it('follows live across this and future runs, resuming through random cuts while the run streams', async () => {
    const agent = createControlledAgent();
    bridge = await startLiveTestBridge({ extraAgents: [agent] });
    const first = await startRun(agent, 't-live', 'r1');
    first.run.emit({ type: 'text_delta', delta: 'hello' });
    first.run.complete();
    await first.client.ended;

    const random = seededRandom(99);
    const received: SseFrame[] = [];
    const lastReceived = (): number => Number(received.at(-1)?.id ?? 0);
    let connection = follow('t-live');
    let consumed = 0;
    let cuts = 0;
    /** Reads until the follower has `seq`, cutting and resuming with Last-Event-ID at random. */
    const receiveThrough = async (seq: number): Promise<void> => {
      while (lastReceived() < seq) {
        await connection.waitFor((f) => dataFrames(f).length > consumed);
        const frames = dataFrames(connection.frames);
        received.push(...frames.slice(consumed));
        consumed = frames.length;
        if (random.int(0, 2) === 0) {
          connection.close();
          cuts++;
          connection = follow('t-live', { 'last-event-id': String(lastReceived()) });
          consumed = 0;
        }
      }
    };
    await receiveThrough((await logOf(bridge.url, 't-live')).length);

    for (const runId of ['r2', 'r3']) {
      const { run, client } = await startRun(agent, 't-live', runId);
      for (const event of mixedScript(seededRandom(runId.charCodeAt(1)), 60)) {
        const before = dataFrames(client.frames).length;
        run.emit(event);
        // Each step is logged before the follower is asked for it: it really reads it live.
        await client.waitFor((f) => dataFrames(f).length > before);
        await receiveThrough(Number(dataFrames(client.frames).at(-1)!.id));
      }
      run.complete();
      await client.ended;
      await receiveThrough((await logOf(bridge.url, 't-live')).length);
    }

    connection.close();
    const log = await logOf(bridge.url, 't-live');
    expect(received.map((f) => Number(f.id))).toEqual(log.map((e) => e.seq));
    const events = received.map((f) => JSON.parse(f.data!) as BaseEvent);
    expect(events).toEqual(log.map((e) => e.event));
    await verifyAgui(events);
    expect(cuts).toBeGreaterThan(10);
    await expect.poll(() => bridge!.subscribers.counts('t-live').sse).toBe(0);
  });

  it('sends keep-alive comments while the thread is idle and counts the follower', async () => {
    const agent = createControlledAgent();
    bridge = await startLiveTestBridge({ extraAgents: [agent], env: { BRIDGE_SSE_KEEPALIVE_MS: '20' } });
    const { run, client } = await startRun(agent, 't-idle', 'r1');
    run.complete();
    await client.ended;
    const connection = follow('t-idle');
    expect((await connection.headers)['content-type']).toBe('text/event-stream');
    await connection.waitFor((frames) => frames.some((f) => f.comment === 'keep-alive'));
    expect(bridge.subscribers.counts('t-idle')).toEqual({ sse: 1, ws: 0 });
    connection.close();
    await expect.poll(() => bridge!.subscribers.counts('t-idle').sse).toBe(0);
  });
});

describe('SSE follow: refusals', () => {
  it('answers 404 THREAD_NOT_FOUND as JSON, before any SSE header, for an unknown thread or another tenant', async () => {
    const agent = createControlledAgent();
    // Two tenants, told apart as the app tells them apart: by API key.
    bridge = await startLiveTestBridge({
      extraAgents: [agent],
      env: { BRIDGE_API_KEYS: 'mine:key-of-mine,other:key-of-other' },
    });
    const mine = { authorization: 'Bearer key-of-mine' };
    const { run, client } = await startRun(agent, 't-mine', 'r1', mine);
    run.complete();
    await client.ended;

    for (const [threadId, headers] of [
      ['t-unknown', mine],
      ['t-mine', { authorization: 'Bearer key-of-other' }],
    ] as const) {
      const response = await fetch(`${bridge.url}/threads/${threadId}/events`, {
        headers: { accept: 'text/event-stream', ...headers },
      });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(await response.json()).toMatchObject({ error: { code: 'THREAD_NOT_FOUND' } });
    }
  });

  it('refuses a malformed Last-Event-ID with 400, and leaves other Accept values to the JSON route', async () => {
    const agent = createControlledAgent();
    bridge = await startLiveTestBridge({ extraAgents: [agent] });
    const { run, client } = await startRun(agent, 't-json', 'r1');
    run.complete();
    await client.ended;

    const bad = await fetch(`${bridge.url}/threads/t-json/events`, {
      headers: { accept: 'text/event-stream', 'last-event-id': 'abc' },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'INVALID_INPUT' } });

    const json = await fetch(`${bridge.url}/threads/t-json/events?after=1`, {
      headers: { accept: 'application/json' },
    });
    expect(json.headers.get('content-type')).toContain('application/json');
    const body = (await json.json()) as { events: Logged[] };
    expect(body.events[0]?.seq).toBe(2);
  });
});
