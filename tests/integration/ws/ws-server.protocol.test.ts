import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import { ConflictError } from '../../../src/protocol/bridge-error.js';
import { createControlledAgent } from '../../fakes/controlled-agent.js';
import { createManualScheduler } from '../../fakes/manual-scheduler.js';
import { startLiveTestBridge, type LiveTestBridge } from '../../fixtures/live-test-bridge.js';
import { openSse } from '../../fixtures/sse-client.js';
import { openWs, type WsTestClient } from '../../fixtures/ws-client.js';

// Two tenants, told apart as the app tells them apart: by API key.
const KEYS = 'acme:key-of-acme,other:key-of-other';
const ACME = { authorization: 'Bearer key-of-acme' };
const OTHER = { authorization: 'Bearer key-of-other' };

let bridge: LiveTestBridge | undefined;
const clients: WsTestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await bridge?.close();
  bridge = undefined;
});

async function connect(options: ClientOptions = {}): Promise<WsTestClient> {
  const client = await openWs(bridge!.wsUrl, options);
  clients.push(client);
  return client;
}

describe('WebSocket messages', () => {
  it('answers every invalid message with an INVALID_INPUT error frame and keeps the connection up', async () => {
    bridge = await startLiveTestBridge();
    const client = await connect();
    const cases: [unknown, Record<string, unknown>][] = [
      ['not json', { code: 'INVALID_INPUT' }],
      [{ type: 'dance' }, { code: 'INVALID_INPUT' }],
      [[1, 2], { code: 'INVALID_INPUT' }],
      [{ type: 'subscribe' }, { code: 'INVALID_INPUT', requestType: 'subscribe' }],
      [
        { type: 'subscribe', threadId: 't', after: -1 },
        { code: 'INVALID_INPUT', requestType: 'subscribe' },
      ],
      [
        { type: 'run', agentId: 'demo', input: { threadId: 't' } },
        { code: 'INVALID_INPUT', requestType: 'run' },
      ],
      [
        { type: 'resolve', interruptId: 'i', status: 'maybe' },
        { code: 'INVALID_INPUT', requestType: 'resolve' },
      ],
      [{ type: 'stop' }, { code: 'INVALID_INPUT', requestType: 'stop' }],
    ];
    for (const [message, expected] of cases) {
      client.send(message);
      const frame = await client.next((f) => f.type === 'error');
      expect(frame, JSON.stringify(message)).toMatchObject(expected);
      expect(frame.message).toEqual(expect.any(String));
    }
    const detailed = await (async () => {
      client.send({ type: 'subscribe', after: 'x' });
      return client.next((f) => f.type === 'error');
    })();
    expect(detailed.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'threadId' }),
        expect.objectContaining({ path: 'after' }),
      ]),
    );

    client.send({ type: 'ping' });
    expect(await client.next((f) => f.type === 'pong')).toEqual({ type: 'pong' });
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('answers THREAD_NOT_FOUND for a thread that does not exist or belongs to another tenant', async () => {
    const agent = createControlledAgent();
    bridge = await startLiveTestBridge({ extraAgents: [agent], env: { BRIDGE_API_KEYS: KEYS } });
    const seed = openSse(
      `${bridge.url}/agent/controlled/run`,
      { threadId: 't-owned', runId: 'r1', messages: [], tools: [], context: [] },
      ACME,
    );
    (await agent.nextRun()).complete();
    await seed.ended;

    const stranger = await connect({ headers: OTHER });
    for (const message of [
      { type: 'subscribe', threadId: 't-owned' },
      { type: 'stop', threadId: 't-owned' },
      { type: 'subscribe', threadId: 't-nowhere' },
    ]) {
      stranger.send(message);
      expect(await stranger.next((f) => f.type === 'error')).toMatchObject({
        code: 'THREAD_NOT_FOUND',
        requestType: message.type,
        threadId: message.threadId,
      });
    }
    const owner = await connect({ headers: ACME });
    owner.send({ type: 'subscribe', threadId: 't-owned' });
    expect(await owner.next((f) => f.type === 'ack')).toMatchObject({
      requestType: 'subscribe',
      threadId: 't-owned',
    });
  });

  it('passes resolve to the injected resolver, else to the interrupt service (INTERRUPT_NOT_FOUND)', async () => {
    const calls: unknown[][] = [];
    bridge = await startLiveTestBridge({
      env: { BRIDGE_API_KEYS: KEYS },
      resolveInterrupt: async (...args) => {
        calls.push(args);
        if (args[1] === 'int-done')
          throw new ConflictError('INTERRUPT_NOT_PENDING', 'Interrupt int-done is resolved');
      },
    });
    const client = await connect({ headers: ACME });
    client.send({ type: 'resolve', interruptId: 'int-1', status: 'resolved', payload: { approved: true } });
    expect(await client.next((f) => f.type === 'ack')).toEqual({
      type: 'ack',
      requestType: 'resolve',
      interruptId: 'int-1',
    });
    expect(calls).toEqual([['acme', 'int-1', 'resolved', { approved: true }]]);
    client.send({ type: 'resolve', interruptId: 'int-done', status: 'cancelled' });
    expect(await client.next((f) => f.type === 'error')).toMatchObject({
      code: 'INTERRUPT_NOT_PENDING',
      requestType: 'resolve',
      interruptId: 'int-done',
    });
    await bridge.close();

    // Without one the runtime's interrupt service answers: it knows no interrupt int-1.
    bridge = await startLiveTestBridge();
    const plain = await connect();
    plain.send({ type: 'resolve', interruptId: 'int-1', status: 'resolved' });
    expect(await plain.next((f) => f.type === 'error')).toMatchObject({
      code: 'INTERRUPT_NOT_FOUND',
      requestType: 'resolve',
      interruptId: 'int-1',
    });
  });
});

describe('WebSocket upgrade', () => {
  it('refuses the upgrade with 401 when authenticate says no, and 404 on another path', async () => {
    bridge = await startLiveTestBridge({
      authenticate: (req) => (req.url?.includes('token=good') ? 'default' : null),
    });
    const status = (url: string) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(url);
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('open', () => {
          socket.close();
          resolve(101);
        });
        socket.on('error', (error) =>
          error.message.includes('Unexpected server response') ? undefined : reject(error),
        );
      });
    expect(await status(`${bridge.wsUrl}?token=bad`)).toBe(401);
    expect(await status(`${bridge.wsUrl}?token=good`)).toBe(101);
    expect(await status(bridge.wsUrl.replace('/ws', '/elsewhere'))).toBe(404);
  });
});

describe('WebSocket heartbeat (injected timers)', () => {
  it('pings every 30 s and drops a connection silent for 60 s; a client that answers stays', async () => {
    const scheduler = createManualScheduler();
    bridge = await startLiveTestBridge({ scheduler });
    const silent = await connect({ autoPong: false });
    const lively = await connect();
    const nextPing = (client: WsTestClient) =>
      new Promise<void>((resolve) => client.socket.once('ping', () => resolve()));
    const silentPinged = nextPing(silent);
    expect(bridge.ws.connections).toBe(2);

    scheduler.advance(30_000);
    await silentPinged;
    // A message is hearing from the client (t = 30 s).
    lively.send({ type: 'ping' });
    await lively.next((f) => f.type === 'pong');

    const livelyPinged = nextPing(lively);
    scheduler.advance(30_000);
    expect((await silent.closed).code).toBe(1006);
    expect(bridge.ws.connections).toBe(1);

    // So is a pong: `ws` answers the t = 60 s ping by itself; a ping of ours comes back only
    // after the server has read that pong.
    await livelyPinged;
    await new Promise<void>((resolve) => {
      lively.socket.once('pong', () => resolve());
      lively.socket.ping();
    });
    const outcome = Promise.race([
      nextPing(lively).then(() => 'pinged'),
      lively.closed.then(() => 'dropped'),
    ]);
    scheduler.advance(30_000);
    expect(await outcome).toBe('pinged');
    expect(lively.socket.readyState).toBe(WebSocket.OPEN);
  });
});
