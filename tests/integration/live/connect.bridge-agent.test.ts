import { afterEach, describe, expect, it } from 'vitest';
import { HttpAgent } from '@ag-ui/client';
import type { BaseEvent, Message } from '@ag-ui/core';
import { BridgeAgent } from '../../../src/client/bridge-agent.js';
import { UNTERMINATED_RUN_MESSAGE } from '../../../src/live/thread-history.js';
import { createControlledAgent } from '../../fakes/controlled-agent.js';
import { startLiveTestBridge, type LiveTestBridge } from '../../fixtures/live-test-bridge.js';
import { verifyAgui } from '../../fixtures/run-agent-verified.js';
import { eventsOf, openSse } from '../../fixtures/sse-client.js';

let bridge: LiveTestBridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

async function getJson<T>(path: string): Promise<T> {
  return (await (await fetch(`${bridge!.url}${path}`)).json()) as T;
}

/** Two demo runs on a thread, through the real AG-UI client. */
async function demoThread(threadId: string, headers: Record<string, string> = {}): Promise<void> {
  const agent = new HttpAgent({
    url: `${bridge!.url}/agent/demo/run`,
    threadId,
    headers,
    initialMessages: [{ id: 'u1', role: 'user', content: 'roll a die for me' }],
  });
  await agent.runAgent();
  agent.addMessage({ id: 'u2', role: 'user', content: 'and once more' });
  await agent.runAgent();
}

/** Connects a fresh client; returns it and every event it applied (verified by the client itself). */
async function connectFresh(threadId: string, options: { compact?: boolean } = {}) {
  const agent = new BridgeAgent({ url: `${bridge!.url}/agent/demo/run`, threadId, ...options });
  const events: BaseEvent[] = [];
  await agent.connectAgent({}, { onEvent: ({ event }) => void events.push(event) });
  return { agent, events };
}

describe('connect through BridgeAgent.connectAgent()', () => {
  it('restores a fresh client: the stored messages in order (what clients sent included) and the state', async () => {
    bridge = await startLiveTestBridge();
    await demoThread('t-restore');
    const { agent, events } = await connectFresh('t-restore');

    expect(agent.messages).toEqual(await getJson<Message[]>('/threads/t-restore/messages'));
    expect(agent.messages.filter((m) => m.role === 'user').map((m) => m.id)).toEqual(['u1', 'u2']);
    expect(agent.state).toEqual(await getJson('/threads/t-restore/state'));
    expect(events.filter((e) => e.type === 'RUN_STARTED')).toHaveLength(2);
    await verifyAgui(events);

    // The restored client continues the thread: its messages match the stored ones by id.
    agent.addMessage({ id: 'u3', role: 'user', content: 'a third time' });
    await agent.runAgent();
    expect(agent.messages).toEqual(await getJson<Message[]>('/threads/t-restore/messages'));
  });

  it('compacts finished runs when asked: one content event per message, same messages and state', async () => {
    bridge = await startLiveTestBridge();
    await demoThread('t-compact');
    const full = await connectFresh('t-compact');
    const compact = await connectFresh('t-compact', { compact: true });

    expect(compact.agent.messages).toEqual(full.agent.messages);
    expect(compact.agent.state).toEqual(full.agent.state);
    const contents = (events: BaseEvent[]) => events.filter((e) => e.type === 'TEXT_MESSAGE_CONTENT').length;
    const starts = (events: BaseEvent[]) => events.filter((e) => e.type === 'TEXT_MESSAGE_START').length;
    expect(contents(full.events)).toBeGreaterThan(starts(full.events));
    expect(contents(compact.events)).toBe(starts(compact.events));
    await verifyAgui(compact.events);

    // The same through the body flag, on the raw stream.
    const raw = openSse(`${bridge.url}/agent/demo/connect`, {
      threadId: 't-compact',
      forwardedProps: { compact: true },
    });
    const frames = await raw.ended;
    expect(eventsOf(frames).filter((e) => e.type === 'TEXT_MESSAGE_CONTENT')).toHaveLength(
      starts(compact.events),
    );
  });

  it('streams the in-flight run live after the history, then ends with its terminal event', async () => {
    const controlled = createControlledAgent();
    bridge = await startLiveTestBridge({ extraAgents: [controlled] });
    await demoThread('t-live');
    const runClient = openSse(`${bridge.url}/agent/controlled/run`, {
      threadId: 't-live',
      runId: 'r-live',
      messages: [{ id: 'u-live', role: 'user', content: 'stream please' }],
      tools: [],
      context: [],
    });
    const run = await controlled.nextRun();
    run.emit({ type: 'text_delta', messageId: 'a-live', delta: 'first half, ' });

    const agent = new BridgeAgent({ url: `${bridge.url}/agent/controlled/run`, threadId: 't-live' });
    const events: BaseEvent[] = [];
    let sawLive!: () => void;
    const seen = new Promise<void>((resolve) => (sawLive = resolve));
    const connected = agent.connectAgent(
      {},
      {
        onEvent: ({ event }) => void events.push(event),
        onTextMessageContentEvent: ({ event }) => {
          if ((event as { messageId: string }).messageId === 'a-live') sawLive();
        },
      },
    );
    await seen;
    run.emit({ type: 'text_delta', messageId: 'a-live', delta: 'second half' });
    run.complete();
    await connected;
    await runClient.ended;

    expect(events.at(-1)?.type).toBe('RUN_FINISHED');
    expect(agent.messages.at(-1)).toMatchObject({ id: 'a-live', content: 'first half, second half' });
    expect(agent.messages).toEqual(await getJson<Message[]>('/threads/t-live/messages'));
    await verifyAgui(events);
  });

  it('closes a logged run that never ended (its process died) with a RUN_ERROR that is not logged', async () => {
    const controlled = createControlledAgent();
    bridge = await startLiveTestBridge({ extraAgents: [controlled] });
    await demoThread('t-crash');
    const lastSeq = await bridge.runtime.store.events.lastSeq('t-crash');
    const orphan = [
      { type: 'RUN_STARTED', threadId: 't-crash', runId: 'r-dead' },
      { type: 'TEXT_MESSAGE_START', messageId: 'a-dead', role: 'assistant' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'a-dead', delta: 'cut sh' },
    ];
    await bridge.runtime.store.events.append(
      't-crash',
      orphan.map((event, i) => ({
        seq: lastSeq + 1 + i,
        runId: 'r-dead',
        type: event.type,
        json: JSON.stringify(event),
      })),
    );

    const frames = await openSse(`${bridge.url}/agent/demo/connect`, { threadId: 't-crash' }).ended;
    const last = frames.at(-1)!;
    expect(last.id).toBeUndefined();
    expect(JSON.parse(last.data!)).toMatchObject({
      type: 'RUN_ERROR',
      code: 'INTERNAL_ERROR',
      message: UNTERMINATED_RUN_MESSAGE,
    });
    await verifyAgui(eventsOf(frames) as BaseEvent[]);
    expect(await bridge.runtime.store.events.lastSeq('t-crash')).toBe(lastSeq + orphan.length);
  });
});

describe('connect refusals', () => {
  it('answers 404 for an unknown agent or thread and 400 for a body without threadId, before the stream', async () => {
    // Two tenants, told apart as the app tells them apart: by API key.
    bridge = await startLiveTestBridge({ env: { BRIDGE_API_KEYS: 'mine:key-of-mine,other:key-of-other' } });
    const mine = { authorization: 'Bearer key-of-mine' };
    await demoThread('t-known', mine);
    const post = (path: string, body: unknown, headers: Record<string, string> = mine) =>
      fetch(`${bridge!.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
        body: JSON.stringify(body),
      });

    const cases = [
      [await post('/agent/nope/connect', { threadId: 't-known' }), 404, 'AGENT_NOT_FOUND'],
      [await post('/agent/demo/connect', { threadId: 't-unknown' }), 404, 'THREAD_NOT_FOUND'],
      [
        await post('/agent/demo/connect', { threadId: 't-known' }, { authorization: 'Bearer key-of-other' }),
        404,
        'THREAD_NOT_FOUND',
      ],
      [await post('/agent/demo/connect', { messages: [] }), 400, 'INVALID_INPUT'],
      [await post('/agent/demo/connect?compact=maybe', { threadId: 't-known' }), 400, 'INVALID_INPUT'],
    ] as const;
    for (const [response, status, code] of cases) {
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ error: { code } });
    }
  });

  it('BridgeAgent restores nothing, without error, for a thread the bridge has never seen', async () => {
    bridge = await startLiveTestBridge();
    const { agent, events } = await connectFresh('t-new');
    expect(agent.messages).toEqual([]);
    expect(events).toEqual([]);
  });
});
