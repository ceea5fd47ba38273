import type { LoggedEvent } from './event-log.js';

/**
 * Events as the log stores them: one row per committed batch of one run (group commit), holding
 * events `seq`..`lastSeq`. Rows are few and large, so the log costs about one statement per batch
 * instead of one per event (docs/benchmarks.md). `types` and `data` hold one line per event: JSON
 * text never contains a raw newline.
 */
export interface EventBatchRow {
  seq: number;
  lastSeq: number;
  runId: string;
  types: string;
  data: string;
}

/** Raised when an append does not continue the thread's sequence: nothing is written. */
export class EventSequenceError extends Error {
  constructor(threadId: string, expected: number, got: number) {
    super(`Event log of thread ${threadId}: expected seq ${expected}, got ${got}`);
    this.name = 'EventSequenceError';
  }
}

/**
 * Packs an append into batch rows (one per run, in order). The events must be consecutive,
 * starting at `firstSeq`; anything else throws before a row is written.
 */
export function toBatchRows(
  threadId: string,
  firstSeq: number,
  events: readonly LoggedEvent[],
): EventBatchRow[] {
  const rows: EventBatchRow[] = [];
  // One pass; a row's text is joined once (building it by concatenation left a string node per
  // event for the driver to flatten: garbage per event on the hot path).
  let types: string[] = [];
  let data: string[] = [];
  let first = firstSeq;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (event.seq !== firstSeq + i) throw new EventSequenceError(threadId, firstSeq + i, event.seq);
    types.push(event.type);
    data.push(event.json);
    const next = events[i + 1];
    if (next && next.runId === event.runId) continue;
    rows.push({
      seq: first,
      lastSeq: event.seq,
      runId: event.runId,
      types: types.join('\n'),
      data: data.join('\n'),
    });
    types = [];
    data = [];
    first = event.seq + 1;
  }
  return rows;
}

/** Unpacks a batch row, keeping the events after `afterSeq`, at most `limit` of them. */
export function fromBatchRow(row: EventBatchRow, afterSeq: number, limit: number): LoggedEvent[] {
  const types = row.types.split('\n');
  const data = row.data.split('\n');
  const out: LoggedEvent[] = [];
  for (let i = Math.max(0, afterSeq + 1 - row.seq); i < data.length && out.length < limit; i++) {
    out.push({ seq: row.seq + i, runId: row.runId, type: types[i]!, json: data[i]! });
  }
  return out;
}
