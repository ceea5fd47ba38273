import { afterEach, describe, expect, it } from 'vitest';
import { decode } from '@ag-ui/proto';
import { createControlledAgent } from '../../fakes/controlled-agent.js';
import { eventsOf, openSse } from '../../fixtures/sse-client.js';
import { startTestBridge, type TestBridge } from '../../fixtures/test-bridge.js';

let bridge: TestBridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

const input = (threadId: string, runId = `run-${threadId}`) => ({
  threadId,
  runId,
  messages: [{ id: `u-${runId}`, role: 'user', content: 'hello' }],
  tools: [],
  context: [],
});

describe('run stream framing', () => {
  it('frames each event as `id: <seq>` plus `data: <json>` with LF framing, continuing seq across runs', async () => {
    bridge = await startTestBridge();
    const first = openSse(`${bridge.url}/agent/demo/run`, input('t-frames', 'r1'));
    expect(await first.status).toBe(200);
    expect((await first.headers)['content-type']).toBe('text/event-stream');
    const frames = await first.ended;
    expect(first.raw()).not.toContain('\r');
    expect(frames.map((f) => Number(f.id))).toEqual(frames.map((_, i) => i + 1));
    expect(eventsOf(frames)[0]?.type).toBe('RUN_STARTED');

    const second = await openSse(`${bridge.url}/agent/demo/run`, input('t-frames', 'r2')).ended;
    expect(Number(second[0]?.id)).toBe(frames.length + 1);
  });

  it('sends keep-alive comments while the agent is idle', async () => {
    const agent = createControlledAgent();
    bridge = await startTestBridge({ extraAgents: [agent], env: { BRIDGE_SSE_KEEPALIVE_MS: '20' } });
    const sse = openSse(`${bridge.url}/agent/controlled/run`, input('t-idle'));
    const run = await agent.nextRun();
    await sse.waitFor((frames) => frames.some((f) => f.comment === 'keep-alive'));
    run.emit({ type: 'text_delta', delta: 'done waiting' });
    run.complete();
    const frames = await sse.ended;
    expect(eventsOf(frames).map((e) => e.type)).toEqual([
      'RUN_STARTED',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'RUN_FINISHED',
    ]);
  });

  it('speaks protobuf only when Accept names the AG-UI protobuf type', async () => {
    bridge = await startTestBridge();
    const wildcard = await fetch(`${bridge.url}/agent/demo/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: '*/*' },
      body: JSON.stringify(input('t-wild')),
    });
    expect(wildcard.headers.get('content-type')).toBe('text/event-stream');
    await wildcard.text();

    const proto = await fetch(`${bridge.url}/agent/demo/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/vnd.ag-ui.event+proto' },
      body: JSON.stringify(input('t-proto')),
    });
    expect(proto.headers.get('content-type')).toBe('application/vnd.ag-ui.event+proto');
    const bytes = new Uint8Array(await proto.arrayBuffer());
    // Length-prefixed protobuf messages, as @ag-ui/encoder frames them.
    const decoded = [];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let offset = 0; offset < bytes.length;) {
      const length = view.getUint32(offset, false);
      decoded.push(decode(bytes.subarray(offset + 4, offset + 4 + length)));
      offset += 4 + length;
    }
    expect(decoded[0]?.type).toBe('RUN_STARTED');
    expect(decoded.at(-1)?.type).toBe('RUN_FINISHED');
    expect(decoded.map((e) => e.type)).toContain('TOOL_CALL_RESULT');
  });
});

describe('client disconnect', () => {
  it('cancels the run, unsubscribes the agent and logs RUN_FINISHED cancelled', async () => {
    const agent = createControlledAgent();
    bridge = await startTestBridge({ extraAgents: [agent] });
    const sse = openSse(`${bridge.url}/agent/controlled/run`, input('t-gone'));
    const run = await agent.nextRun();
    run.emit({ type: 'text_delta', messageId: 'msg-1', delta: 'partial answer' });
    await sse.waitFor((frames) => eventsOf(frames).some((e) => e.type === 'TEXT_MESSAGE_CONTENT'));
    sse.close();
    await run.unsubscribed;
    expect(run.context.signal.aborted).toBe(true);

    // The thread is consistent: the run is recorded as cancelled, its partial text kept.
    await expect.poll(() => bridge!.runtime.runs.isActive('t-gone')).toBe(false);
    const summary = (await (await fetch(`${bridge.url}/threads/t-gone`)).json()) as {
      status: string;
      runs: { status: string }[];
    };
    expect(summary).toMatchObject({ status: 'idle', runs: [{ status: 'cancelled' }] });
    const logged = (await (await fetch(`${bridge.url}/threads/t-gone/events`)).json()) as {
      events: { event: { type: string } }[];
    };
    expect(logged.events.map((e) => e.event.type)).toEqual([
      'RUN_STARTED',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'RUN_FINISHED',
    ]);
    const messages = (await (await fetch(`${bridge.url}/threads/t-gone/messages`)).json()) as {
      id: string;
      content?: string;
    }[];
    expect(messages.at(-1)).toMatchObject({ id: 'msg-1', content: 'partial answer' });
  });
});
