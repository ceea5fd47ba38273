import { describe, expect, it } from 'vitest';
import { EventSequenceError, fromBatchRow, toBatchRows } from '../../../src/store/event-batches.js';
import type { LoggedEvent } from '../../../src/store/event-log.js';

const event = (seq: number, runId: string): LoggedEvent => ({
  seq,
  runId,
  type: `T${seq}`,
  json: JSON.stringify({ type: `T${seq}`, text: 'line\nbreak' }),
});

describe('event batch rows', () => {
  it('packs an append into one row per run, in order, and unpacks every event exactly', () => {
    const events = [event(5, 'a'), event(6, 'a'), event(7, 'b'), event(8, 'b'), event(9, 'b')];
    const rows = toBatchRows('t', 5, events);
    expect(rows.map(({ seq, lastSeq, runId }) => ({ seq, lastSeq, runId }))).toEqual([
      { seq: 5, lastSeq: 6, runId: 'a' },
      { seq: 7, lastSeq: 9, runId: 'b' },
    ]);
    expect(rows.flatMap((row) => fromBatchRow(row, 0, 100))).toEqual(events);
    // From inside a row, and within a limit.
    expect(fromBatchRow(rows[1]!, 7, 1)).toEqual([events[3]]);
  });

  it('refuses events that do not continue the sequence, before packing any', () => {
    expect(() => toBatchRows('t', 5, [event(5, 'a'), event(7, 'a')])).toThrow(EventSequenceError);
    expect(() => toBatchRows('t', 4, [event(5, 'a')])).toThrow(EventSequenceError);
  });
});
