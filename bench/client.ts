import { randomUUID } from 'node:crypto';
import type { Message, RunAgentInput } from '@ag-ui/core';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { runMessages } from './event-mix.js';
import { frameLatencies, type LatencyProbe } from './latency.js';
import { shapeProps, type RunShape } from './run-shape.js';
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
  /** Per stamped event: arrival minus the emit time stamped in it, ms (when `latency` was asked for). */
  latenciesMs?: number[];
  /** The emit time stamped in each of those events, in the server's clock (ms since the epoch). */
  emitsMs?: number[];
}

/** One run to request from a server under test. */
export interface RunRequest {
  /** `http://127.0.0.1:<port>`: the bench only ever talks to loopback. */
  baseUrl: string;
  events: number;
  /** Pacing and hold (`RunShape`); a burst by default. */
  intervalMs?: number;
  holdAfter?: number;
  /** Continue this thread instead of a fresh one (figure 7b). */
  threadId?: string;
  /**
   * The thread's conversation so far, sent before the run's new user message, as AG-UI clients
   * send the whole conversation with every run; a run that ends well appends its messages to it.
   */
  history?: Message[];
  agent: http.Agent;
  timeoutMs: number;
  capture?: boolean;
  /** Measure each stamped event's added latency (asks for emit stamps, reads them on arrival). */
  latency?: LatencyProbe;
  /** Called once the bytes of `RUN_STARTED` arrived. */
  onRunStarted?: () => void;
}

const BLANK_LINE = Buffer.from('\n\n');
const NEWLINE = 10;
/** Bytes of the response head kept while looking for `RUN_STARTED`. */
const HEAD_LIMIT = 8192;

/** A `RunAgentInput` (on a fresh thread unless one is given) asking the bench agent for a run of `shape`. */
export function runInput(shape: RunShape, threadId?: string): string {
  return JSON.stringify(runAgentInput(shape, threadId));
}

/** The input of a run of `shape` (on a fresh thread unless one is given): the conversation so far, then a new user message. */
function runAgentInput(
  shape: RunShape,
  threadId = `bench-${randomUUID()}`,
  history: Message[] = [],
): RunAgentInput {
  return {
    threadId,
    runId: randomUUID(),
    state: {},
    messages: [...history, { id: randomUUID(), role: 'user', content: 'Where is my order?' }],
    tools: [],
    context: [],
    forwardedProps: shapeProps(shape),
  };
}

/** Frames ending in `chunk`, given the last byte of the chunk before (a blank line can straddle two). */
export function countFrames(chunk: Buffer, previousLast: number): number {
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
  const shape: RunShape = {
    events: request.events,
    intervalMs: request.intervalMs ?? 0,
    ...(request.holdAfter ? { holdAfter: request.holdAfter } : {}),
    ...(request.latency ? { stamp: true } : {}),
  };
  const query =
    `events=${shape.events}&intervalMs=${shape.intervalMs}&holdAfter=${shape.holdAfter ?? 0}` +
    `&stamp=${shape.stamp ? 1 : 0}`;
  const url = new URL(`/agent/${BENCH_AGENT_ID}/run?${query}`, request.baseUrl);
  if (url.hostname !== '127.0.0.1') throw new Error(`the bench only requests 127.0.0.1, not ${url.host}`);
  const input = runAgentInput(shape, request.threadId, request.history);
  const body = JSON.stringify(input);
  const latencies = request.latency ? frameLatencies(request.latency) : undefined;
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
      if (!error) request.history?.push(input.messages.at(-1)!, ...runMessages(input.runId, shape.events));
      const captured = request.capture ? { body: Buffer.concat(chunks).toString('utf8') } : {};
      const measured = latencies ? { latenciesMs: latencies.values, emitsMs: latencies.emits } : {};
      resolve({
        ok: !error,
        events,
        bytes,
        runStartedMs,
        totalMs,
        ...(error ? { error } : {}),
        ...captured,
        ...measured,
      });
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (Number.isNaN(runStartedMs) && head.length < HEAD_LIMIT) {
        head += chunk.toString('latin1', 0, Math.min(chunk.length, HEAD_LIMIT));
        if (head.includes('RUN_STARTED')) {
          runStartedMs = performance.now() - start;
          request.onRunStarted?.();
        }
      }
      latencies?.push(chunk);
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
