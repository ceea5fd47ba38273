import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { BaseEvent } from '@ag-ui/core';
import { createControlledAgent } from '../../fakes/controlled-agent.js';
import { startLiveTestBridge, type LiveTestBridge } from '../../fixtures/live-test-bridge.js';
import { verifyAgui } from '../../fixtures/run-agent-verified.js';
import { eventsOf, openSse, type SseFrame } from '../../fixtures/sse-client.js';
import { runInput } from '../../fixtures/run-input.js';

let bridge: LiveTestBridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

const input = (threadId: string, runId: string) => runInput(threadId, runId, 'go');

/** An SSE follower whose response is paused: Node stops reading its socket, so the server's buffers fill. */
function openPausedFollower(url: string): { resume(): Promise<string> } {
  let response: http.IncomingMessage | undefined;
  const responded = new Promise<http.IncomingMessage>((resolve) => {
    http.get(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      res.pause();
      response = res;
      resolve(res);
    });
  });
  return {
    async resume() {
      const res = response ?? (await responded);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.resume();
      await new Promise((resolve) => res.on('end', resolve));
      return body;
    },
  };
}

function parseFrames(body: string): SseFrame[] {
  return body
    .split('\n\n')
    .filter((block) => block.length > 0)
    .map((block) => {
      const frame: SseFrame = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) frame.comment = line.slice(1).trim();
        else if (line.startsWith('id: ')) frame.id = line.slice(4);
        else if (line.startsWith('data: ')) frame.data = line.slice(6);
      }
      return frame;
    });
}

describe('slow SSE follower', () => {
  it('is dropped with SLOW_CONSUMER without slowing the run or other followers, and resumes by seq', async () => {
    const agent = createControlledAgent();
    bridge = await startLiveTestBridge({
      extraAgents: [agent],
      liveLimits: { maxBuffered: 32, socketBufferBytes: 64 * 1024 },
    });
    const setup = openSse(`${bridge.url}/agent/controlled/run`, input('t-slow', 'r1'));
    (await agent.nextRun()).complete();
    await setup.ended;

    const slow = openPausedFollower(`${bridge.url}/threads/t-slow/events`);
    const fast = openSse(`${bridge.url}/threads/t-slow/events`);
    await expect.poll(() => bridge!.subscribers.counts('t-slow').sse).toBe(2);

    // Steps of 8 × 32 KB until the paused follower has fallen behind (socket buffers full, then
    // more than maxBuffered queued) and is dropped; the fast follower keeps up step by step.
    const client = openSse(`${bridge.url}/agent/controlled/run`, input('t-slow', 'r2'));
    const run = await agent.nextRun();
    const chunk = 'x'.repeat(32 * 1024);
    const seqOf = (frames: SseFrame[]): number => Number(frames.findLast((f) => f.id)?.id ?? 0);
    let steps = 0;
    for (let dropped = 0; dropped < 3; steps++) {
      expect(steps, 'the paused follower was never dropped').toBeLessThan(2000);
      for (let i = 0; i < 8; i++) run.emit({ type: 'text_delta', delta: chunk });
      await client.waitFor((frames) => seqOf(frames) >= 3 + 8 * (steps + 1));
      await fast.waitFor((frames) => seqOf(frames) >= seqOf(client.frames));
      if (bridge.subscribers.counts('t-slow').sse === 1) dropped++;
    }
    run.complete();
    const runFrames = await client.ended;
    // The run ended and its client got everything while the slow follower had read nothing.
    expect(eventsOf(runFrames).at(-1)?.type).toBe('RUN_FINISHED');
    const total = Number(runFrames.at(-1)!.id);
    await fast.waitFor((frames) => frames.some((f) => Number(f.id) === total));
    expect(fast.frames.filter((f) => f.data).map((f) => Number(f.id))).toEqual(
      Array.from({ length: total }, (_, i) => i + 1),
    );
    fast.close();
    await expect.poll(() => bridge!.subscribers.counts('t-slow').sse).toBe(0);

    // The dropped follower reads what was sent: a gap-free prefix, then why it ended.
    const frames = parseFrames(await slow.resume());
    const data = frames.filter((f) => f.data !== undefined);
    expect(data.map((f) => Number(f.id))).toEqual(data.map((_, i) => i + 1));
    expect(data.length).toBeLessThan(total);
    expect(frames.at(-1)?.comment).toMatch(/^error SLOW_CONSUMER .*Last-Event-ID: \d+$/);

    const resumed = openSse(`${bridge.url}/threads/t-slow/events`, undefined, {
      'last-event-id': data.at(-1)!.id!,
    });
    await resumed.waitFor((f) => f.some((frame) => Number(frame.id) === total));
    resumed.close();
    const union = [...data, ...resumed.frames.filter((f) => f.data !== undefined)];
    expect(union.map((f) => Number(f.id))).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    await verifyAgui(union.map((f) => JSON.parse(f.data!) as BaseEvent));
  });
});
