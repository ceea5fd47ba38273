import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ToolWebhookCall } from '../fakes/tool-webhook-server.js';
import { openConsolePage, replayVerified, screenshot, useConsoleBrowser } from '../fixtures/chromium.js';
import { agentClient, getJson, startLlmBridge, type LlmBridge } from '../fixtures/llm-bridge.js';

// The console's Pause button against a real bridge: `POST /agent/:agentId/pause/:threadId` answers
// 202 and the run ends after its current step with an interrupt of reason "paused", shown as a
// "Paused run" with Resume and Cancel run, against the bridge's real pause route. The last test
// also gives the browser the documented answers itself, to check exactly what the console sends.

let env: LlmBridge | undefined;
let page: Page | undefined;
const { browser, closeAfterTest } = useConsoleBrowser();

/**
 * A bridge whose `lookup_order` webhook holds each call until the test releases it: the run is
 * in flight, between two LLM iterations, for as long as the test needs.
 */
async function startHeldBridge() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let called!: (call: ToolWebhookCall) => void;
  const calledOnce = new Promise<ToolWebhookCall>((resolve) => (called = resolve));
  const bridge = await startLlmBridge({
    beforeToolReply: async (call) => {
      called(call);
      await released;
    },
  });
  return { env: bridge, release, calledOnce };
}

/** Starts a run that calls lookup_order (held) on `threadId`; resolves once the webhook holds it. */
async function startHeldRun(held: Awaited<ReturnType<typeof startHeldBridge>>, threadId: string) {
  held.env.llm.push({
    toolCalls: [{ id: `call-${threadId}`, name: 'lookup_order', arguments: '{"id":"7"}' }],
  });
  const client = agentClient(held.env.bridge.url, 'assistant', threadId, [
    { id: 'u1', role: 'user', content: 'Where is order 7?' },
  ]);
  const finished = client.run();
  await held.calledOnce;
  return { client, finished };
}

/** The pending interrupt of the thread, through the API. */
async function pendingOf(url: string, threadId: string) {
  const { interrupts } = await getJson(`${url}/interrupts?status=pending`);
  return interrupts.filter((i: { threadId: string }) => i.threadId === threadId);
}

describe('operator console: pausing a run', () => {
  it('pauses a running thread from its view; the paused run waits as "Paused run"; Resume with a note continues it', async () => {
    const held = await startHeldBridge();
    env = closeAfterTest(held.env);
    const url = env.bridge.url;
    const opened = await openConsolePage(browser(), url);
    page = closeAfterTest(opened.page);
    const p = page;
    await p.getByTestId('approvals-empty').waitFor();

    const { finished } = await startHeldRun(held, 'console-pause');
    // Running: both the thread list row and the thread view offer Pause.
    const listRow = p.locator(
      '[data-testid="thread-row"][data-thread-id="console-pause"][data-status="running"]',
    );
    await listRow.getByTestId('thread-row-pause').waitFor();
    await listRow.getByRole('link').click();
    const pause = p.getByTestId('thread-pause');
    await pause.waitFor();
    const answer = p.waitForResponse((r) => r.url().endsWith('/agent/assistant/pause/console-pause'));
    await pause.click();
    const response = await answer;
    expect(response.status()).toBe(202);
    expect(await response.json()).toMatchObject({ pausing: true, runId: expect.any(String) });
    await p.locator('[data-testid="toast"]:has-text("Pausing run")').waitFor();

    // The held step finishes; the run stops before its next LLM call.
    held.release();
    const events = await finished;
    const end = events.at(-1) as { type: string; outcome?: { type: string } };
    expect(end).toMatchObject({ type: 'RUN_FINISHED', outcome: { type: 'interrupt' } });
    expect(env.llm.calls).toHaveLength(1);
    const [paused] = await pendingOf(url, 'console-pause');
    expect(paused).toMatchObject({ reason: 'paused' });

    const card = p.locator(`[data-testid="approval-card"][data-interrupt-id="${paused.id}"]`);
    await card.waitFor();
    expect(await card.getAttribute('data-reason')).toBe('paused');
    expect(await card.getByTestId('approval-tool').textContent()).toBe('Paused run');
    expect(await card.getByTestId('approve').count()).toBe(0);
    await card.getByTestId('cancel-run').waitFor();
    await card.getByTestId('resume-note').fill('Only check order 7, then stop.');
    // No longer running: the thread view offers no Pause.
    await p.getByTestId('thread-pause').waitFor({ state: 'detached' });
    for (const note of await p.getByTestId('toast').all()) await note.click();
    await screenshot(p, 'console-paused-run');

    env.llm.push({ text: ['Order 7 has shipped.'] });
    await card.getByTestId('resume').click();
    await card.waitFor({ state: 'detached' });
    await p.locator('[data-testid="message-text"]:text-is("Order 7 has shipped.")').waitFor();
    await p.locator('[data-testid="thread-status"] >> text=idle').waitFor();
    const [decided] = (await getJson(`${url}/interrupts?threadId=console-pause`)).interrupts.filter(
      (i: { id: string }) => i.id === paused.id,
    );
    expect(decided).toMatchObject({
      status: expect.not.stringMatching(/^pending$/),
      payload: { note: 'Only check order 7, then stop.' },
    });
    // The held tool ran once, and its result reached the model in the continuation.
    expect(held.env.webhook.calls).toHaveLength(1);
    expect(JSON.stringify(env.llm.calls.at(-1)!.messages)).toContain('shipped');
    await replayVerified(url, 'assistant', 'console-pause');
    expect(opened.errors).toEqual([]);
  });

  it('Cancel run answers the paused run with cancelled; a pause of a thread no longer running shows the 409', async () => {
    const held = await startHeldBridge();
    env = closeAfterTest(held.env);
    const url = env.bridge.url;
    const opened = await openConsolePage(browser(), url);
    page = closeAfterTest(opened.page);
    const p = page;
    const { finished } = await startHeldRun(held, 'console-cancel');
    const listRow = p.locator('[data-testid="thread-row"][data-thread-id="console-cancel"]');
    await listRow.locator('[data-testid="thread-row-pause"]').click();
    await p.locator('[data-testid="toast"]:has-text("Pausing run")').waitFor();
    held.release();
    await finished;
    const [paused] = await pendingOf(url, 'console-cancel');
    expect(paused).toMatchObject({ reason: 'paused' });
    const card = p.locator(`[data-testid="approval-card"][data-interrupt-id="${paused.id}"]`);
    // Whether the bridge tells the model about the cancellation is its business: a reply is ready.
    env.llm.push({ text: ['Stopped.'] });
    await card.getByTestId('cancel-run').click();
    await card.waitFor({ state: 'detached' });
    const [decided] = (await getJson(`${url}/interrupts?threadId=console-cancel`)).interrupts.filter(
      (i: { id: string }) => i.id === paused.id,
    );
    expect(decided.status).toBe('cancelled');
    await p
      .locator(
        '[data-testid="thread-row"][data-thread-id="console-cancel"]:not([data-status="running"]):not([data-status="interrupted"])',
      )
      .waitFor();

    // The list is stale (it still says running) when the operator clicks Pause: the bridge's
    // 409 THREAD_NOT_RUNNING is shown under the row.
    await p.route('**/threads?limit=100', async (route) => {
      const real = await route.fetch();
      const json = (await real.json()) as { threads: { threadId: string; status: string }[] };
      for (const t of json.threads) if (t.threadId === 'console-cancel') t.status = 'running';
      await route.fulfill({ response: real, json });
    });
    const stale = p.locator(
      '[data-testid="thread-row"][data-thread-id="console-cancel"][data-status="running"]',
    );
    await stale.getByTestId('thread-row-pause').click();
    const error = p.locator('[data-testid="thread-pause-error"][data-thread-id="console-cancel"]');
    await error.waitFor();
    expect(await error.textContent()).toContain('409 THREAD_NOT_RUNNING');
    await p.locator('[data-testid="toast"].error').first().waitFor();
    // The error toast may float over the row for a few seconds: the click goes to the link itself.
    await error.getByTestId('thread-pause-error-dismiss').dispatchEvent('click');
    await error.waitFor({ state: 'detached' });
    await replayVerified(url, 'assistant', 'console-cancel');
    expect(opened.errors).toEqual([]);
  });

  // Runs on every branch: the browser is given the pause route's documented answers (202, then
  // 409 THREAD_NOT_RUNNING) and a pending interrupt of reason "paused", and the test checks what
  // the console sends back. The thread itself really runs (held on its tool webhook).
  it('sends the documented requests: Pause, Resume with { note }, Resume without, Cancel run; shows a 409 in the thread view', async () => {
    const held = await startHeldBridge();
    env = closeAfterTest(held.env);
    const url = env.bridge.url;
    const opened = await openConsolePage(browser(), url, async (p) => {
      let pauses = 0;
      await p.route('**/agent/assistant/pause/console-fake', (route) =>
        route.fulfill(
          ++pauses === 1
            ? { status: 202, json: { pausing: true, runId: 'run-fake' } }
            : {
                status: 409,
                json: {
                  error: { code: 'THREAD_NOT_RUNNING', message: 'Thread "console-fake" has no active run' },
                },
              },
        ),
      );
    });
    page = closeAfterTest(opened.page);
    const p = page;
    const { finished } = await startHeldRun(held, 'console-fake');
    await p.locator('[data-testid="thread-row"][data-thread-id="console-fake"] a').click();
    const pause = p.getByTestId('thread-pause');
    await pause.waitFor();
    await p.locator('[data-testid="timeline-row"][data-type="TOOL_CALL_END"]').waitFor();
    await p
      .locator('[data-testid="thread-row"][data-thread-id="console-fake"] [data-testid="thread-row-pause"]')
      .waitFor();
    await screenshot(p, 'console-pause-button');
    const sent = p.waitForRequest((r) => r.url().endsWith('/agent/assistant/pause/console-fake'));
    await pause.click();
    expect((await sent).method()).toBe('POST');
    await p.locator('[data-testid="toast"]:has-text("Pausing run run-fake on console-fake")').waitFor();
    expect(await p.getByTestId('thread-pause').isDisabled()).toBe(true);

    // Still running (nothing really paused it): the thread view offers Pause again after a reload,
    // and this time the answer is the 409.
    await p.reload();
    await p.getByTestId('thread-pause').click();
    const error = p.getByTestId('thread-pause-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('409 THREAD_NOT_RUNNING');
    expect(await p.getByTestId('thread-pause').isEnabled()).toBe(true);
    env.llm.push({ text: ['Order 7 has shipped.'] });
    held.release();
    await finished;
    await p.goto(`${url}/console#/`);

    // Two paused runs waiting; the console answers them as documented.
    const pausedInterrupt = (id: string) => ({
      id,
      threadId: 'console-fake',
      runId: 'run-fake',
      agentId: 'assistant',
      reason: 'paused',
      message: 'Paused by an operator',
      toolCallId: null,
      toolName: null,
      args: null,
      responseSchema: {
        type: 'object',
        properties: { note: { type: 'string' } },
        additionalProperties: false,
      },
      createdAt: new Date().toISOString(),
      expiresAt: null,
      status: 'pending',
    });
    let pending = [pausedInterrupt('int-note')];
    const answers: { id: string; body: unknown }[] = [];
    await p.route('**/interrupts?status=pending', (route) =>
      route.fulfill({ json: { interrupts: pending } }),
    );
    await p.route('**/interrupts/*/resolve', (route) => {
      const id = decodeURIComponent(new URL(route.request().url()).pathname.split('/')[2]!);
      answers.push({ id, body: route.request().postDataJSON() });
      pending = pending.filter((i) => i.id !== id);
      return route.fulfill({ status: 202, json: { continuationRunId: `run-after-${id}` } });
    });
    const card = (id: string) => p.locator(`[data-testid="approval-card"][data-interrupt-id="${id}"]`);
    await card('int-note').waitFor();
    expect(await card('int-note').getByTestId('approval-tool').textContent()).toBe('Paused run');
    expect(await card('int-note').getByTestId('approve').count()).toBe(0);
    expect(await card('int-note').getByTestId('approval-expiry').textContent()).toBe('never expires');
    await card('int-note').getByTestId('resume-note').fill('  Carry on with order 7  ');
    await card('int-note').getByTestId('resume').click();
    await card('int-note').waitFor({ state: 'detached' });
    pending.push(pausedInterrupt('int-plain'), pausedInterrupt('int-cancel'));
    await card('int-plain').getByTestId('resume').click();
    await card('int-plain').waitFor({ state: 'detached' });
    await card('int-cancel').getByTestId('cancel-run').click();
    await card('int-cancel').waitFor({ state: 'detached' });
    expect(answers).toEqual([
      { id: 'int-note', body: { status: 'resolved', payload: { note: 'Carry on with order 7' } } },
      { id: 'int-plain', body: { status: 'resolved', payload: {} } },
      { id: 'int-cancel', body: { status: 'cancelled' } },
    ]);
    await p
      .locator(
        '[data-testid="toast"]:has-text("Resumed the paused run on console-fake; continuing in run run-after-int-note")',
      )
      .waitFor();
    await replayVerified(url, 'assistant', 'console-fake');
    expect(opened.errors).toEqual([]);
  });
});
