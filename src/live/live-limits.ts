/** Bounds on live subscribers (docs/streaming.md, "Limits"). */
export interface LiveLimits {
  /** Live events allowed to wait for one subscriber before it is dropped with `SLOW_CONSUMER`. */
  maxBuffered: number;
  /** Bytes a subscriber's socket may hold unsent before the feed stops writing to it and queues. */
  socketBufferBytes: number;
  /** Events per event-log read while replaying. */
  pageSize: number;
}

/** The defaults: generous for a browser tab, small enough that a stuck client costs little. */
export const DEFAULT_LIVE_LIMITS: LiveLimits = {
  maxBuffered: 10_000,
  socketBufferBytes: 1024 * 1024,
  pageSize: 500,
};

/** Error codes of live transports, beside the contract's (`src/protocol/error-codes.ts`). */
export type LiveErrorCode = 'SLOW_CONSUMER' | 'TOO_MANY_CONNECTIONS';
