import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { WebSocket } from 'ws';
import { frameLatencies, messageLatency, type LatencyProbe } from './latency.js';
import { BENCH_AGENT_ID } from './scripted-agent.js';

/** What one live subscriber saw. */
export interface SubscriberResult {
  /** Saw `RUN_FINISHED` (or, when idle, stayed open until released) without an error. */
  ok: boolean;
  /** AG-UI events received (SSE `data:` frames or WebSocket `event` frames). */
  events: number;
  latenciesMs: number[];
  error?: string;
}

/** One subscriber to follow a thread from `after`. */
export interface SubscribeRequest {
  baseUrl: string;
  threadId: string;
  after: number;
  agent: http.Agent;
  timeoutMs: number;
  latency?: LatencyProbe;
  /** Stay open until `close` (memory figure) instead of ending at `RUN_FINISHED`. */
  idle?: boolean;
  /** The subscription is in place (SSE: response headers; WebSocket: the `subscribe` ack). */
  onOpen(): void;
}

/** A subscriber in flight. */
export interface Subscriber {
  done: Promise<SubscriberResult>;
  close(): void;
}

const FINISHED = '"type":"RUN_FINISHED"';

/** The bench only ever talks to loopback. */
function loopback(url: URL): URL {
  if (url.hostname !== '127.0.0.1') throw new Error(`the bench only requests 127.0.0.1, not ${url.host}`);
  return url;
}

/** Follows `GET /threads/:id/events` as SSE, counting `data:` frames until `RUN_FINISHED`. */
export function followSse(request: SubscribeRequest): Subscriber {
  const url = loopback(
    new URL(`/threads/${request.threadId}/events?after=${request.after}`, request.baseUrl),
  );
  return readSse(request, http.get(url, { agent: request.agent, headers: { accept: 'text/event-stream' } }));
}

/**
 * Joins the thread's run with AG-UI's `POST /agent/:id/connect` (the thread's history, then the run
 * in flight), counting `data:` frames until `RUN_FINISHED`. The bridge and CopilotKit both serve it.
 */
export function followConnect(request: SubscribeRequest): Subscriber {
  const url = loopback(new URL(`/agent/${BENCH_AGENT_ID}/connect`, request.baseUrl));
  const body = JSON.stringify({
    threadId: request.threadId,
    runId: randomUUID(),
    state: {},
    messages: [],
    tools: [],
    context: [],
    forwardedProps: {},
  });
  const req = http.request(url, {
    method: 'POST',
    agent: request.agent,
    headers: {
      accept: 'text/event-stream',
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    },
  });
  req.end(body);
  return readSse(request, req);
}

/** Reads an SSE response of a subscriber. */
function readSse(request: SubscribeRequest, req: http.ClientRequest): Subscriber {
  const latencies = request.latency ? frameLatencies(request.latency) : undefined;
  let events = 0;
  let carry = '';
  let finish!: (error?: string) => void;
  const done = new Promise<SubscriberResult>((resolve) => {
    let settled = false;
    finish = (error) => {
      if (settled) return;
      settled = true;
      req.destroy();
      const values = latencies?.values ?? [];
      resolve({ ok: !error, events, latenciesMs: values, ...(error ? { error } : {}) });
    };
  });
  req.setTimeout(request.timeoutMs, () => finish(`no event for ${request.timeoutMs} ms`));
  req.on('error', (error) => finish(String(error)));
  req.on('response', (res) => {
    if (res.statusCode !== 200) {
      res.resume();
      finish(`HTTP ${res.statusCode}`);
      return;
    }
    request.onOpen();
    res.on('data', (chunk: Buffer) => {
      latencies?.push(chunk);
      const frames = (carry + chunk.toString('utf8')).split('\n\n');
      carry = frames.pop() ?? '';
      for (const frame of frames) {
        if (!frame.includes('data:')) continue;
        events++;
        if (frame.includes(FINISHED) && !request.idle) finish();
      }
    });
    res.on('end', () => finish(request.idle ? undefined : 'the stream ended before RUN_FINISHED'));
  });
  return { done, close: () => finish() };
}

/** Follows a thread over `/ws` (`subscribe`), counting `event` frames until `RUN_FINISHED`. */
export function followWs(request: SubscribeRequest): Subscriber {
  const url = loopback(new URL('/ws', request.baseUrl.replace(/^http/, 'ws')));
  const socket = new WebSocket(url, { perMessageDeflate: false });
  const latenciesMs: number[] = [];
  let events = 0;
  let finish!: (error?: string) => void;
  const done = new Promise<SubscriberResult>((resolve) => {
    let settled = false;
    finish = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.terminate();
      resolve({ ok: !error, events, latenciesMs, ...(error ? { error } : {}) });
    };
  });
  const timer = setTimeout(() => finish(`no RUN_FINISHED in ${request.timeoutMs} ms`), request.timeoutMs);
  socket.on('open', () =>
    socket.send(JSON.stringify({ type: 'subscribe', threadId: request.threadId, after: request.after })),
  );
  socket.on('message', (data: Buffer) => {
    const text = data.toString('utf8');
    if (text.startsWith('{"type":"event"')) {
      events++;
      const latency = request.latency ? messageLatency(request.latency, text) : undefined;
      if (latency !== undefined) latenciesMs.push(latency);
      if (text.includes(FINISHED) && !request.idle) finish();
    } else if (text.startsWith('{"type":"ack"')) request.onOpen();
    else if (text.startsWith('{"type":"error"')) finish(text.slice(0, 200));
  });
  socket.on('error', (error) => finish(String(error)));
  socket.on('close', () => finish(request.idle ? undefined : 'the socket closed before RUN_FINISHED'));
  return { done, close: () => finish() };
}
