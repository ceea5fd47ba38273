import { afterEach, describe, expect, it } from 'vitest';
import type { BaseEvent, Message } from '@ag-ui/core';
import { createControlledAgent } from '../../fakes/controlled-agent.js';
import { mixedScript } from '../../fakes/mixed-script.js';
import { startLiveTestBridge, type LiveTestBridge } from '../../fixtures/live-test-bridge.js';
import { verifyAgui } from '../../fixtures/run-agent-verified.js';
import { seededRandom } from '../../fixtures/seeded-random.js';
import { openSse, type SseConnection } from '../../fixtures/sse-client.js';
import { endsRun, openWs, type WsEventFrame, type WsTestClient } from '../../fixtures/ws-client.js';
import { runInput } from '../../fixtures/run-input.js';

let bridge: LiveTestBridge | undefined;
const clients: WsTestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await bridge?.close();
  bridge = undefined;
});

const input = (threadId: string, runId: string) => runInput(threadId, runId, 'go');

async function connect(): Promise<WsTestClient> {
  const client = await openWs(bridge!.wsUrl);
  clients.push(client);
  return client;
}

/** Creates the thread with one finished run of the controlled agent. */
async function seedThread(agent: ReturnType<typeof createControlledAgent>, threadId: string): Promise<void> {
  const client = openSse(`${bridge!.url}/agent/controlled/run`, input(threadId, `${threadId}-seed`));
  (await agent.nextRun()).complete();
  await client.ended;
}

async function subscribe(client: WsTestClient, threadId: string, after?: number) {
  client.send({ type: 'subscribe', threadId, ...(after === undefined ? {} : { after }) });
  return client.next((f) => (f.type === 'ack' || f.type === 'error') && f.threadId === threadId);
}

async function logOf(threadId: string): Promise<{ seq: number; event: BaseEvent }[]> {
  const body = (await (await fetch(`${bridge!.url}/threads/${threadId}/events`)).json()) as {
    events: { seq: number; event: BaseEvent }[];
  };
  return body.events;
}

const seqAndEvent = (frames: WsEventFrame[]) => frames.map((f) => ({ seq: f.seq, event: f.event }));
const sseSeqAndEvent = (sse: SseConnection) =>
  sse.frames
    .filter((f) => f.data !== undefined)
    .map((f) => ({ seq: Number(f.id), event: JSON.parse(f.data!) }));

describe('WebSocket subscribers', () => {
  it('two SSE and three WebSocket subscribers of one thread see the identical sequence', async () => {
    const agent = createControlledAgent();
    bridge = await startLiveTestBridge({ extraAgents: [agent] });
    await seedThread(agent, 't-five');

    const sse = [
      openSse(`${bridge.url}/threads/t-five/events`),
      openSse(`${bridge.url}/threads/t-five/events`),
    ];
    const ws = [await connect(), await connect(), await connect()];
    for (const client of ws) expect(await subscribe(client, 't-five', 0)).toMatchObject({ type: 'ack' });
    await expect.poll(() => bridge!.subscribers.counts('t-five')).toEqual({ sse: 2, ws: 3 });

    // The run starts over one of the subscribed sockets: its events arrive there once, too.
    ws[0]!.send({ type: 'run', agentId: 'controlled', input: input('t-five', 'r-five') });
    const run = await agent.nextRun();
    for (const event of mixedScript(seededRandom(5), 150)) run.emit(event);
    run.complete();

    const log = await (async () => {
      await ws[0]!.waitFor(() => endsRun(ws[0]!.events('t-five')) && ws[0]!.events('t-five').length > 2);
      return logOf('t-five');
    })();
    const last = log.at(-1)!.seq;
    for (const client of ws) await client.waitFor(() => client.events('t-five').at(-1)?.seq === last);
    for (const follower of sse) await follower.waitFor((f) => f.some((frame) => Number(frame.id) === last));

    for (const client of ws) expect(seqAndEvent(client.events('t-five'))).toEqual(log);
    for (const follower of sse) expect(sseSeqAndEvent(follower)).toEqual(log);
    await verifyAgui(log.map((e) => e.event));
    for (const follower of sse) follower.close();
  });

  it('refuses a sixth WebSocket connection on one thread with TOO_MANY_CONNECTIONS until a slot frees', async () => {
    const agent = createControlledAgent();
    bridge = await startLiveTestBridge({ extraAgents: [agent] });
    await seedThread(agent, 't-six');
    const five = await Promise.all([connect(), connect(), connect(), connect(), connect()]);
    for (const client of five) expect(await subscribe(client, 't-six')).toMatchObject({ type: 'ack' });

    const sixth = await connect();
    expect(await subscribe(sixth, 't-six')).toMatchObject({
      type: 'error',
      code: 'TOO_MANY_CONNECTIONS',
      requestType: 'subscribe',
      threadId: 't-six',
    });
    sixth.send({ type: 'run', agentId: 'controlled', input: input('t-six', 'r-six') });
    expect(await sixth.next((f) => f.type === 'error')).toMatchObject({
      code: 'TOO_MANY_CONNECTIONS',
      requestType: 'run',
    });
    expect(bridge.subscribers.counts('t-six').ws).toBe(5);

    // Subscribing again on a connection replaces its subscription: still five.
    expect(await subscribe(five[0]!, 't-six', 1)).toMatchObject({ type: 'ack' });
    expect(bridge.subscribers.counts('t-six').ws).toBe(5);

    five[1]!.send({ type: 'unsubscribe', threadId: 't-six' });
    await five[1]!.next((f) => f.type === 'ack' && f.requestType === 'unsubscribe');
    expect(await subscribe(sixth, 't-six')).toMatchObject({ type: 'ack' });
    five[2]!.close();
    await expect.poll(() => bridge!.subscribers.counts('t-six').ws).toBe(4);
  });

  it('stops a run mid-stream from another connection: RUN_FINISHED cancelled, partial text kept', async () => {
    const agent = createControlledAgent();
    bridge = await startLiveTestBridge({ extraAgents: [agent] });
    const runner = await connect();
    const stopper = await connect();

    runner.send({ type: 'run', agentId: 'controlled', input: input('t-stop', 'r-stop') });
    const run = await agent.nextRun();
    run.emit({ type: 'text_delta', messageId: 'a-stop', delta: 'partial answer' });
    await runner.waitFor(() => runner.events('t-stop').some((f) => f.event.type === 'TEXT_MESSAGE_CONTENT'));
    expect(bridge.subscribers.counts('t-stop').ws).toBe(1);

    stopper.send({ type: 'stop', threadId: 't-stop' });
    expect(await stopper.next((f) => f.type === 'ack')).toMatchObject({ requestType: 'stop', stopped: true });
    await run.unsubscribed;
    expect(run.context.signal.aborted).toBe(true);
    await runner.waitFor(() => endsRun(runner.events('t-stop')));

    const events = runner.events('t-stop').map((f) => f.event as BaseEvent);
    expect(events.at(-1)).toMatchObject({ type: 'RUN_FINISHED', outcome: { type: 'cancelled' } });
    await verifyAgui(events);
    expect(seqAndEvent(runner.events('t-stop'))).toEqual(await logOf('t-stop'));
    const messages = (await (await fetch(`${bridge.url}/threads/t-stop/messages`)).json()) as Message[];
    expect(messages.at(-1)).toMatchObject({ id: 'a-stop', content: 'partial answer' });
    // The run's implicit subscription ended with it.
    await expect.poll(() => bridge!.subscribers.counts('t-stop').ws).toBe(0);

    stopper.send({ type: 'stop', threadId: 't-stop' });
    expect(await stopper.next((f) => f.type === 'ack')).toMatchObject({ stopped: false });
  });

  it('refuses a second concurrent run with THREAD_BUSY, over WebSocket and HTTP', async () => {
    const agent = createControlledAgent();
    bridge = await startLiveTestBridge({ extraAgents: [agent] });
    const first = await connect();
    const second = await connect();
    first.send({ type: 'run', agentId: 'controlled', input: input('t-busy', 'r1') });
    const run = await agent.nextRun();

    second.send({ type: 'run', agentId: 'controlled', input: input('t-busy', 'r2') });
    expect(await second.next((f) => f.type === 'error')).toMatchObject({
      code: 'THREAD_BUSY',
      requestType: 'run',
      threadId: 't-busy',
    });
    const http = await fetch(`${bridge.url}/agent/controlled/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input('t-busy', 'r3')),
    });
    expect(http.status).toBe(409);
    expect(await http.json()).toMatchObject({ error: { code: 'THREAD_BUSY' } });

    run.complete();
    await first.waitFor(() => endsRun(first.events('t-busy')));
    await expect.poll(() => bridge!.runtime.runs.isActive('t-busy')).toBe(false);
    second.send({ type: 'run', agentId: 'controlled', input: input('t-busy', 'r2') });
    (await agent.nextRun()).complete();
    await second.waitFor(() => endsRun(second.events('t-busy')));
    expect(second.events('t-busy')[0]).toMatchObject({ event: { type: 'RUN_STARTED', runId: 'r2' } });
  });

  it('drops a WebSocket subscriber that stops reading with SLOW_CONSUMER; it resubscribes after lastSeq', async () => {
    const agent = createControlledAgent();
    bridge = await startLiveTestBridge({
      extraAgents: [agent],
      liveLimits: { maxBuffered: 32, socketBufferBytes: 64 * 1024 },
    });
    await seedThread(agent, 't-slow');
    const slow = await connect();
    const fast = await connect();
    await subscribe(slow, 't-slow');
    await subscribe(fast, 't-slow');
    slow.socket.pause();

    fast.send({ type: 'run', agentId: 'controlled', input: input('t-slow', 'r-slow') });
    const run = await agent.nextRun();
    const chunk = 'y'.repeat(32 * 1024);
    const lastSeq = (client: WsTestClient) => client.events('t-slow').at(-1)?.seq ?? 0;
    let steps = 0;
    for (let dropped = 0; dropped < 3; steps++) {
      expect(steps, 'the paused subscriber was never dropped').toBeLessThan(2000);
      const before = lastSeq(fast);
      for (let i = 0; i < 8; i++) run.emit({ type: 'text_delta', delta: chunk });
      await fast.waitFor(() => lastSeq(fast) >= before + 8);
      if (bridge.subscribers.counts('t-slow').ws === 1) dropped++;
    }
    run.complete();
    await fast.waitFor(() => endsRun(fast.events('t-slow')));

    slow.socket.resume();
    const error = await slow.waitFor((f) => f.some((frame) => frame.type === 'error'));
    const dropFrame = error.find((f) => f.type === 'error')!;
    expect(dropFrame).toMatchObject({ code: 'SLOW_CONSUMER', threadId: 't-slow' });
    const received = slow.events('t-slow');
    expect(received.map((f) => f.seq)).toEqual(received.map((_, i) => i + 1));

    expect(await subscribe(slow, 't-slow', received.at(-1)!.seq)).toMatchObject({ type: 'ack' });
    await slow.waitFor(() => lastSeq(slow) === lastSeq(fast));
    expect(seqAndEvent(slow.events('t-slow'))).toEqual(seqAndEvent(fast.events('t-slow')));
  });
});
