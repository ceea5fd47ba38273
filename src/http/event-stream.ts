import type { Request, Response } from 'express';
import { EventEncoder } from '@ag-ui/encoder';
import type { BaseEvent } from '@ag-ui/core';

const PROTO_MEDIA_TYPE = 'application/vnd.ag-ui.event+proto';

/** The most frames one write carries; the rest of a tick's frames go in further writes. */
const MAX_FRAMES_PER_WRITE = 256;

/** A stream of AG-UI events to one HTTP client, SSE or protobuf framed. */
export interface EventStream {
  /** Writes one event; `json` is the exact JSON already logged, reused for the SSE frame. */
  send(event: BaseEvent, json: string, seq?: number): void;
  /** Writes an SSE comment (`: …\n\n`) after the frames sent before it; nothing on a protobuf stream. */
  comment(text: string): void;
  end(): void;
  readonly closed: boolean;
}

/** True when the client named the AG-UI protobuf media type itself (a wildcard does not count). */
export function wantsProtobuf(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return type?.trim().toLowerCase() === PROTO_MEDIA_TYPE && (!q || Number(q.slice(2)) > 0);
  });
}

/** How an event stream is opened. */
export interface EventStreamOptions {
  keepAliveMs: number;
  /**
   * The response's headers leave with its first frame instead of at once (default: at once). For
   * a run, whose `RUN_STARTED` follows within a commit: on loopback each write is a syscall that
   * costs more than the frames it carries (docs/benchmarks-history.md, step 29). A subscriber, who
   * may wait long for the next event, gets its headers at once.
   */
  headersWithFirstFrame?: boolean;
}

/**
 * Opens the response as an event stream. SSE frames are `id: <seq>` plus the `data:` line that
 * `EventEncoder.encodeSSE` would write, built from the logged JSON so each event is serialized once.
 * A keep-alive comment goes out whenever the stream has been idle for `keepAliveMs`.
 */
export function openEventStream(req: Request, res: Response, options: EventStreamOptions): EventStream {
  const protobuf = wantsProtobuf(req.headers.accept);
  const encoder = new EventEncoder(protobuf ? { accept: PROTO_MEDIA_TYPE } : {});
  res.status(200);
  res.setHeader('Content-Type', encoder.getContentType());
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  if (!options.headersWithFirstFrame) res.flushHeaders();
  res.socket?.setNoDelay(true);

  let closed = false;
  let wrote = false;
  // Frames sent within one tick leave as one write: a committed batch of a thousand events costs
  // one syscall and one chunk in the socket's queue, not a thousand.
  let frames: string[] = [];
  let binary: Uint8Array[] = [];
  /** Writes the frames waiting; `now`: they leave at once (not at the end's own write). */
  const flush = (now = true): void => {
    if (closed) return;
    if (frames.length > 0) res.write(frames.length === 1 ? frames[0]! : frames.join(''));
    if (binary.length > 0) res.write(binary.length === 1 ? binary[0]! : Buffer.concat(binary));
    frames = [];
    binary = [];
    // Node corks a response's socket on a write until the next tick: in a long synchronous burst
    // nothing would leave before the whole burst was made. The frames leave now, and the client
    // reads them while the rest is made.
    if (now && res.socket?.writableCorked) res.socket.uncork();
  };
  const write = (chunk: string | Uint8Array): void => {
    if (closed) return;
    wrote = true;
    const idle = frames.length === 0 && binary.length === 0;
    if (typeof chunk === 'string') frames.push(chunk);
    else binary.push(chunk);
    // A long burst leaves in parts, so the client reads while the rest is made.
    if (frames.length + binary.length >= MAX_FRAMES_PER_WRITE) flush();
    else if (idle) process.nextTick(flush);
  };
  const timer = setInterval(() => {
    if (!wrote && !protobuf) write(': keep-alive\n\n');
    wrote = false;
  }, options.keepAliveMs);
  timer.unref();
  res.on('close', () => {
    closed = true;
    clearInterval(timer);
  });

  return {
    send(event, json, seq) {
      if (protobuf) write(encoder.encodeBinary(event));
      else write(seq === undefined ? `data: ${json}\n\n` : `id: ${seq}\ndata: ${json}\n\n`);
      wrote = true;
    },
    comment(text) {
      if (!protobuf) write(text);
    },
    end() {
      clearInterval(timer);
      // The last frames and the response's end leave in one write.
      flush(false);
      if (!closed) res.end();
      closed = true;
    },
    get closed() {
      return closed;
    },
  };
}
