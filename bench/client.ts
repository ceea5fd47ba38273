import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { BENCH_AGENT_ID } from './scripted-agent.js';

/** What one run looked like from the client. */
export interface RunResult {
  /** Ended with `RUN_FINISHED`, status 200, no socket error. */
  ok: boolean;
  /** SSE frames received (each ends with a blank line). */
  events: number;
  bytes: number;
  /** From sending the request to receiving the bytes of `RUN_STARTED`, in ms. */
  runStartedMs: number;
  /** From sending the request to the end of the response, in ms. */
  totalMs: number;
  error?: string;
  /** The whole body, when asked for (validation runs only). */
  body?: string;
}

/** One run to request from a server under test. */
export interface RunRequest {
  /** `http://127.0.0.1:<port>`: the bench only ever talks to loopback. */
  baseUrl: string;
  events: number;
  agent: http.Agent;
  timeoutMs: number;
  capture?: boolean;
}

const BLANK_LINE = Buffer.from('\n\n');
const NEWLINE = 10;
/** Bytes of the response head kept while looking for `RUN_STARTED`. */
const HEAD_LIMIT = 8192;

/** A `RunAgentInput` on a fresh thread, asking the bench agent for `events` events. */
export function runInput(events: number): string {
  return JSON.stringify({
    threadId: `bench-${randomUUID()}`,
    runId: randomUUID(),
    state: {},
    messages: [{ id: randomUUID(), role: 'user', content: 'Where is my order?' }],
    tools: [],
    context: [],
    forwardedProps: { benchEvents: events },
  });
}

/** Frames ending in `chunk`, given the last byte of the chunk before (a blank line can straddle two). */
function countFrames(chunk: Buffer, previousLast: number): number {
  let frames = previousLast === NEWLINE && chunk[0] === NEWLINE ? 1 : 0;
  for (let i = chunk.indexOf(BLANK_LINE); i !== -1; i = chunk.indexOf(BLANK_LINE, i + 2)) frames++;
  return frames;
}

/** Why a stream that did not end with `RUN_FINISHED` is a failure: its last `data:` line. */
function endedWith(tail: string): string {
  const last = tail.trimEnd().split('\n').at(-1) ?? '';
  return `no RUN_FINISHED at the end; last line: ${last.slice(0, 200)}`;
}

/** Runs the bench agent once over node's http (cheaper than fetch) and measures it on arrival. */
export function requestRun(request: RunRequest): Promise<RunResult> {
  const url = new URL(`/agent/${BENCH_AGENT_ID}/run?events=${request.events}`, request.baseUrl);
  if (url.hostname !== '127.0.0.1') throw new Error(`the bench only requests 127.0.0.1, not ${url.host}`);
  const body = runInput(request.events);
  const start = performance.now();
  let events = 0;
  let bytes = 0;
  let runStartedMs = Number.NaN;
  let head = '';
  let tail = '';
  let last = 0;
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    let done = false;
    const finish = (error?: string): void => {
      if (done) return;
      done = true;
      const totalMs = performance.now() - start;
      const captured = request.capture ? { body: Buffer.concat(chunks).toString('utf8') } : {};
      resolve({ ok: !error, events, bytes, runStartedMs, totalMs, ...(error ? { error } : {}), ...captured });
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (Number.isNaN(runStartedMs) && head.length < HEAD_LIMIT) {
        head += chunk.toString('latin1', 0, Math.min(chunk.length, HEAD_LIMIT));
        if (head.includes('RUN_STARTED')) runStartedMs = performance.now() - start;
      }
      events += countFrames(chunk, last);
      last = chunk[chunk.length - 1] ?? last;
      tail = (tail + chunk.toString('latin1', Math.max(0, chunk.length - 512))).slice(-512);
      if (request.capture) chunks.push(chunk);
    };
    const req = http.request(
      url,
      {
        method: 'POST',
        agent: request.agent,
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          finish(`HTTP ${res.statusCode}`);
          return;
        }
        res.on('data', onData);
        res.on('end', () => finish(tail.includes('RUN_FINISHED') ? undefined : endedWith(tail)));
        res.on('error', (error) => finish(String(error)));
      },
    );
    req.setTimeout(request.timeoutMs, () => req.destroy(new Error(`no answer for ${request.timeoutMs} ms`)));
    req.on('error', (error) => finish(String(error)));
    req.end(body);
  });
}
