/** One AG-UI event as logged: its per-thread sequence number and the exact JSON sent. */
export interface LoggedEvent {
  seq: number;
  runId: string;
  type: string;
  json: string;
}

/** The append-only, per-thread event log: the hot path, written in batches (group commit). */
export interface EventLog {
  /** The highest sequence number of the thread, 0 when it has none. */
  lastSeq(threadId: string): Promise<number>;
  /** Appends events whose `seq` continue the thread's sequence; all or nothing. */
  append(threadId: string, events: readonly LoggedEvent[]): Promise<void>;
  /**
   * Appends and commits at once, synchronously, when the log can (an embedded database): true
   * once committed, false when it cannot now (nothing was written; use `append`). Lets a long
   * synchronous burst of events reach its client while the rest of the burst is being made.
   */
  appendNow?(threadId: string, events: readonly LoggedEvent[]): boolean;
  /** Up to `limit` events with `seq > afterSeq`, in order. */
  read(threadId: string, afterSeq: number, limit: number): Promise<LoggedEvent[]>;
}
