import { describe, expect, it } from 'vitest';
import {
  createThreadSnapshot,
  parseThreadSnapshot,
  THREAD_SNAPSHOT_VERSION,
} from '../../../src/protocol/thread-snapshot.js';
import { BridgeError } from '../../../src/protocol/bridge-error.js';

describe('thread snapshot versions', () => {
  it('round-trips the current version', () => {
    const snapshot = createThreadSnapshot({ a: 1 });
    expect(snapshot.version).toBe(THREAD_SNAPSHOT_VERSION);
    expect(parseThreadSnapshot(JSON.stringify(snapshot), 't')).toEqual(snapshot);
  });

  it('upgrades a version 1 snapshot (state only) to the current version', () => {
    expect(parseThreadSnapshot('{"version":1,"state":{"n":3}}', 't')).toEqual({
      version: 2,
      state: { n: 3 },
      pending: null,
    });
  });

  it('refuses an unknown version with a clear error naming the thread and versions', () => {
    const attempt = () => parseThreadSnapshot('{"version":99,"state":{}}', 'thread-7');
    expect(attempt).toThrow(BridgeError);
    expect(attempt).toThrow(/thread-7.*version 99.*versions 1 to 2/);
  });

  it('refuses a document that is not JSON, or is malformed, without crashing', () => {
    expect(() => parseThreadSnapshot('{not json', 't')).toThrow(/not JSON/);
    expect(() => parseThreadSnapshot('{"version":2,"state":{},"pending":{"runId":5}}', 't')).toThrow(
      /malformed/,
    );
  });
});
