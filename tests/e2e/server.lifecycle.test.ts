import { describe, expect, it } from 'vitest';
import { eventsOf, openSse } from '../fixtures/sse-client.js';
import { freshDatabaseUrl, signalGroup, startServerProcess } from '../fixtures/server-process.js';
import { runInput } from '../fixtures/run-input.js';

const input = runInput;

describe('npm start', () => {
  it('migrates a brand-new database, serves the demo agent, and drains on SIGTERM', async () => {
    // A slow demo agent, so SIGTERM lands mid-run.
    const server = await startServerProcess({
      DATABASE_URL: freshDatabaseUrl(),
      BRIDGE_DEMO_DELAY_MS: '200',
      LOG_LEVEL: 'info',
    });
    const info = (await (await fetch(`${server.url}/info`)).json()) as { agents: Record<string, unknown> };
    expect(Object.keys(info.agents)).toContain('demo');

    const sse = openSse(`${server.url}/agent/demo/run`, input('drain', 'r1'));
    await sse.waitFor((frames) => eventsOf(frames).some((e) => e.type === 'TEXT_MESSAGE_CONTENT'));
    signalGroup(server, 'SIGTERM');
    const events = eventsOf(await sse.ended);
    expect(events.at(-1)).toMatchObject({ type: 'RUN_FINISHED', outcome: { type: 'cancelled' } });
    // npm itself dies of the signal; the server drained and logged no failure.
    expect([0, 'SIGTERM']).toContain(await server.exited);
    expect(server.output()).toContain('draining');
    expect(server.output()).not.toContain('shutdown failed');
  }, 60_000);

  it('ends a run orphaned by SIGKILL with RUN_ERROR on the next start, and the thread runs again', async () => {
    const databaseUrl = freshDatabaseUrl();
    const first = await startServerProcess({ DATABASE_URL: databaseUrl, BRIDGE_DEMO_DELAY_MS: '200' });
    const sse = openSse(`${first.url}/agent/demo/run`, input('orphan', 'r1'));
    const seen = await sse.waitFor((frames) =>
      eventsOf(frames).some((e) => e.type === 'TEXT_MESSAGE_CONTENT'),
    );
    const seenCount = seen.length;
    signalGroup(first, 'SIGKILL');
    await first.exited;

    const second = await startServerProcess({ DATABASE_URL: databaseUrl, BRIDGE_DEMO_DELAY_MS: '0' });
    try {
      const logged = (await (await fetch(`${second.url}/threads/orphan/events`)).json()) as {
        events: { seq: number; event: { type: string; code?: string } }[];
      };
      // Every event the client saw was logged before it was sent.
      expect(logged.events.length).toBeGreaterThanOrEqual(seenCount);
      expect(logged.events.at(-1)?.event).toMatchObject({ type: 'RUN_ERROR', code: 'INTERNAL_ERROR' });
      const summary = (await (await fetch(`${second.url}/threads/orphan`)).json()) as { status: string };
      expect(summary.status).toBe('idle');
      const again = await openSse(`${second.url}/agent/demo/run`, input('orphan', 'r2')).ended;
      expect(eventsOf(again).at(-1)?.type).toBe('RUN_FINISHED');
    } finally {
      signalGroup(second, 'SIGTERM');
      await second.exited;
    }
  }, 60_000);

  it('keeps an approval across processes: interrupted on one, resolved and continued on the next', async () => {
    const databaseUrl = freshDatabaseUrl();
    const first = await startServerProcess({ DATABASE_URL: databaseUrl, BRIDGE_DEMO_DELAY_MS: '0' });
    const events = eventsOf(
      await openSse(`${first.url}/agent/demo/run`, input('approve', 'r1', 'refund please')).ended,
    );
    const outcome = events.at(-1) as unknown as {
      outcome: { type: string; interrupts: { id: string; toolCallId: string }[] };
    };
    expect(outcome.outcome.type).toBe('interrupt');
    const [interrupt] = outcome.outcome.interrupts;
    signalGroup(first, 'SIGTERM');
    await first.exited;

    const second = await startServerProcess({ DATABASE_URL: databaseUrl, BRIDGE_DEMO_DELAY_MS: '0' });
    try {
      const pending = (await (await fetch(`${second.url}/interrupts?status=pending`)).json()) as {
        interrupts: { id: string }[];
      };
      expect(pending.interrupts.map((i) => i.id)).toEqual([interrupt!.id]);
      const res = await fetch(`${second.url}/interrupts/${interrupt!.id}/resolve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'resolved', payload: { approved: true } }),
      });
      expect(res.status).toBe(202);
      for (;;) {
        const thread = (await (await fetch(`${second.url}/threads/approve`)).json()) as {
          status: string;
          runs: unknown[];
        };
        if (thread.runs.length === 2 && thread.status === 'idle') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const logged = (await (await fetch(`${second.url}/threads/approve/events`)).json()) as {
        events: { event: { type: string; toolCallId?: string } }[];
      };
      const results = logged.events.filter((e) => e.event.type === 'TOOL_CALL_RESULT');
      expect(results.map((e) => e.event.toolCallId)).toEqual([interrupt!.toolCallId]);
      expect(logged.events.at(-1)?.event.type).toBe('RUN_FINISHED');
    } finally {
      signalGroup(second, 'SIGTERM');
      await second.exited;
    }
  }, 60_000);
});
