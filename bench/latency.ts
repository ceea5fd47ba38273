import { preciseNow } from './run-shape.js';

/** How the load client turns an event's `timestamp` into an added latency. */
export interface LatencyProbe {
  /** This process's clock minus the server process's clock, ms (measured over IPC). */
  offsetMs: number;
}

/** The emit stamp of an event (`emitStamp` in event-mix.ts); 5 events of each 12 carry one. */
const STAMP = /emit@(\d+(?:\.\d+)?)/;

/**
 * Added latency per event of one stream: each complete frame's emit stamp (the time the agent
 * emitted it) against the arrival time of the chunk that completed it. Frames are scanned as
 * text, not parsed as JSON: the client must stay cheap.
 */
export function frameLatencies(probe: LatencyProbe): {
  values: number[];
  /** The emit stamp of each value's event. */
  emits: number[];
  push(chunk: Buffer): void;
} {
  const values: number[] = [];
  const emits: number[] = [];
  let carry = '';
  return {
    values,
    emits,
    push(chunk) {
      const arrived = preciseNow() - probe.offsetMs;
      const text = carry + chunk.toString('utf8');
      let from = 0;
      for (let end = text.indexOf('\n\n'); end !== -1; end = text.indexOf('\n\n', from)) {
        const match = STAMP.exec(text.slice(from, end));
        if (match?.[1]) {
          const emitted = Number(match[1]);
          values.push(arrived - emitted);
          emits.push(emitted);
        }
        from = end + 2;
      }
      carry = text.slice(from);
    },
  };
}

/** Added latency of one WebSocket `event` frame (one message is one event). */
export function messageLatency(probe: LatencyProbe, message: string): number | undefined {
  const match = STAMP.exec(message);
  return match?.[1] ? preciseNow() - probe.offsetMs - Number(match[1]) : undefined;
}
