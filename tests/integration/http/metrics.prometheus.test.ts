import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInput } from '../../fixtures/run-input.js';
import { eventsOf, openSse } from '../../fixtures/sse-client.js';
import { startTestBridge, type TestBridge } from '../../fixtures/test-bridge.js';

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startTestBridge();
});
afterAll(() => bridge.close());

/** The value of one sample line of the Prometheus text format. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('GET /metrics', () => {
  it('counts runs by outcome, committed events and active runs, in the Prometheus text format', async () => {
    const ok = eventsOf(await openSse(`${bridge.url}/agent/demo/run`, runInput('m-1', 'r1')).ended);
    eventsOf(await openSse(`${bridge.url}/agent/demo/run`, runInput('m-2', 'r1', 'an error please')).ended);
    const res = await fetch(`${bridge.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(sample(text, 'bridge_runs_total{agent="demo",outcome="success"}')).toBe(1);
    expect(sample(text, 'bridge_runs_total{agent="demo",outcome="error"}')).toBe(1);
    expect(sample(text, 'bridge_active_runs')).toBe(0);
    expect(sample(text, 'bridge_events_total')).toBeGreaterThanOrEqual(ok.length);
    expect(sample(text, 'bridge_run_duration_seconds_count{agent="demo"}')).toBe(2);
    expect(text).toContain('bridge_process_cpu_user_seconds_total');
  });
});
