import { afterEach, describe, expect, it } from 'vitest';
import { eventsOf, openSse } from '../../fixtures/sse-client.js';
import { runInput } from '../../fixtures/run-input.js';
import { startTestBridge, type TestBridge } from '../../fixtures/test-bridge.js';

let bridge: TestBridge | undefined;
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
});

describe('a run whose end cannot be stored', () => {
  it('still logs its terminal event, so a follower of the thread sees the run end', async () => {
    bridge = await startTestBridge();
    const { threads } = bridge.runtime.store;
    let refused = 0;
    threads.finishRun = async () => {
      refused++;
      throw new Error('the database refused the run end');
    };
    const frames = await openSse(`${bridge.url}/agent/demo/run`, runInput('t-end-fails', 'run-t-end-fails'))
      .ended;
    expect(refused).toBe(1);
    // The client never saw RUN_FINISHED: it was not stored with the run's end.
    expect(eventsOf(frames).map((e) => e.type)).not.toContain('RUN_FINISHED');
    const logged = await bridge.runtime.store.events.read('t-end-fails', 0, 1000);
    expect(logged.at(-1)?.type).toBe('RUN_FINISHED');
    // Its records were not written: the run is still recorded as running, for the reaper to end.
    expect((await threads.runs('t-end-fails'))[0]).toMatchObject({ status: 'running' });
  });
});
