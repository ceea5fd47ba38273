import http from 'node:http';
import { lastValueFrom, from, toArray } from 'rxjs';
import { verifyEvents } from '@ag-ui/client';
import type { BaseEvent } from '@ag-ui/core';
import { EventSchema } from '@ag-ui/core/schemas';
import { requestRun } from './client.js';
import { scriptedAguiEvents } from './event-mix.js';
import type { ContestantResults } from './figures.js';

/** Events of the validation run: a few cycles of the mix. */
const VALIDATION_EVENTS = 98;

/** The events of an SSE body (`data:` lines), each checked against AG-UI's schema. */
function parseSse(body: string): BaseEvent[] {
  const events: BaseEvent[] = [];
  for (const frame of body.split('\n\n')) {
    const data = frame
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (data) events.push(EventSchema.parse(JSON.parse(data)) as BaseEvent);
  }
  return events;
}

/**
 * Checks that a server streams what the bench assumes: a valid AG-UI stream (`@ag-ui/client`'s
 * verifier) with the very event types of the mix, in order. Returns a one-line verdict.
 */
export async function validateServer(baseUrl: string): Promise<string> {
  const agent = new http.Agent({ keepAlive: false });
  const run = await requestRun({
    baseUrl,
    events: VALIDATION_EVENTS,
    agent,
    timeoutMs: 30_000,
    capture: true,
  });
  if (!run.ok || run.body === undefined) throw new Error(`validation run failed: ${run.error ?? 'no body'}`);
  const events = await lastValueFrom(from(parseSse(run.body)).pipe(verifyEvents(), toArray()));
  const expected = [
    ...scriptedAguiEvents({ events: VALIDATION_EVENTS, threadId: 't', runId: 'r', now: () => 0 }),
  ].map((e) => e.type);
  const got = events.map((e) => e.type);
  if (got.join() !== expected.join())
    throw new Error(
      `event mix differs: expected ${expected.length} events, got ${got.length}: ${got.join()}`,
    );
  return `valid AG-UI (verifyEvents), same ${got.length} event types in order`;
}

/**
 * Checks a contestant's stream on the first of its servers started (figure 5's host, or the one in
 * the bench process: the same code serves both), into `results.validation`.
 */
export async function validateOnce(
  url: string,
  results: Pick<ContestantResults, 'validation'>,
  log: (line: string) => void,
): Promise<void> {
  if (results.validation !== 'not run') return;
  results.validation = await validateServer(url);
  log(`  ${results.validation}`);
}
