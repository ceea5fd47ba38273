import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openConsolePage, replayVerified, screenshot, useConsoleBrowser } from '../fixtures/chromium.js';
import { getJson, runUntilApproval, startLlmBridge, type LlmBridge } from '../fixtures/llm-bridge.js';

// The operator console in a real headless Chromium against a real bridge (scripted LLM, real tool
// webhooks): approvals appear live, decisions go through POST /interrupts/:id/resolve, and the
// thread view follows the continuation over SSE.
let env: LlmBridge | undefined;
let page: Page | undefined;
const { browser, closeAfterTest } = useConsoleBrowser();

const card = (p: Page, interruptId: string) =>
  p.locator(`[data-testid="approval-card"][data-interrupt-id="${interruptId}"]`);

/** Opens the console before anything happens, marking the document to prove it is never reloaded. */
async function openConsole(url: string) {
  const opened = await openConsolePage(browser(), url);
  page = closeAfterTest(opened.page);
  await page.getByTestId('approvals-empty').waitFor();
  await page.evaluate(() => Object.assign(globalThis, { consoleMarker: 'first load' }));
  return opened;
}

async function sameDocument(p: Page): Promise<unknown> {
  return p.evaluate(() => (globalThis as { consoleMarker?: string }).consoleMarker);
}

/** Waits until the thread view shows the thread idle with the stored conversation. */
async function waitForThreadIdle(p: Page, threadId: string) {
  await p.locator(`[data-testid="thread-id"]:text-is("${threadId}")`).waitFor();
  await p.locator('[data-testid="thread-status"] >> text=idle').waitFor();
}

describe('operator console: approvals', () => {
  it('shows a new approval live; the operator edits the arguments and approves; the thread view follows the continuation', async () => {
    env = closeAfterTest(await startLlmBridge());
    const { page: p, errors } = await openConsole(env.bridge.url);

    const { interruptId } = await runUntilApproval(env, 'console-edit');
    const approval = card(p, interruptId);
    await approval.waitFor();
    expect(await approval.getByTestId('approval-tool').textContent()).toBe('refund_order');
    expect(JSON.parse((await approval.getByTestId('approval-args').textContent()) ?? '')).toEqual({
      id: '42',
    });
    expect(await approval.getByTestId('approval-thread').textContent()).toBe('console-edit');
    await expect
      .poll(() => approval.getByTestId('approval-expiry').textContent())
      .toMatch(/^expires in 1[45]m/);
    await expect.poll(() => approval.getByTestId('approval-age').textContent()).toMatch(/^asked \d+s ago$/);
    await p
      .locator('[data-testid="thread-row"][data-thread-id="console-edit"][data-status="interrupted"]')
      .waitFor();
    await screenshot(p, 'console-approvals');

    env.llm.push({
      text: ['Refunded order 43 as you asked.'],
      usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
    });
    await approval.getByTestId('edit').click();
    const dialog = p.getByTestId('edit-dialog');
    const args = dialog.getByTestId('edit-args');
    expect(JSON.parse(await args.inputValue())).toEqual({ id: '42' });
    // Invalid JSON is caught before anything is sent.
    await args.fill('{ "id": 43');
    await dialog.getByTestId('edit-error').waitFor();
    expect(await dialog.getByTestId('edit-submit').isDisabled()).toBe(true);
    await args.fill('["not", "an object"]');
    expect(await dialog.getByTestId('edit-error').textContent()).toContain('JSON object');
    await args.fill('{\n  "id": "43"\n}');
    await dialog.getByTestId('edit-error').waitFor({ state: 'hidden' });
    await screenshot(p, 'console-edit-dialog');
    await dialog.getByTestId('edit-submit').click();
    await dialog.waitFor({ state: 'detached' });

    // After the decision the console shows the thread; the continuation arrives over SSE.
    await p.locator('[data-testid="tool-result"][data-tool-call-id="call-console-edit"]').waitFor();
    await p.locator('[data-testid="message-text"]:text-is("Refunded order 43 as you asked.")').waitFor();
    await waitForThreadIdle(p, 'console-edit');
    const result = await p
      .locator('[data-testid="tool-result"][data-tool-call-id="call-console-edit"]')
      .textContent();
    expect(JSON.parse(result ?? '')).toEqual({ refunded: '43' });
    await p.locator('[data-testid="timeline-row"][data-type="TOOL_CALL_RESULT"]').waitFor();
    // Usage per run and per thread: the continuation's one LLM call.
    await p.locator('[data-testid="run-row"]').nth(1).waitFor();
    const usageCells = async (selector: string) => p.locator(selector).locator('td').allTextContents();
    expect((await usageCells('[data-testid="run-row"] >> nth=1')).slice(5, 9)).toEqual([
      '1',
      '120',
      '30',
      '150',
    ]);
    expect((await usageCells('[data-testid="thread-usage"]')).slice(0, 4)).toEqual(['1', '120', '30', '150']);
    expect(await p.getByTestId('approvals-count').textContent()).toBe('0');
    await p
      .locator('[data-testid="thread-row"][data-thread-id="console-edit"][data-status="idle"]')
      .waitFor();
    for (const note of await p.getByTestId('toast').all()) await note.click();
    await screenshot(p, 'console-thread');

    // The tool ran once, with the edited arguments; the operator's decision is on record.
    expect(env.webhook.calls).toHaveLength(1);
    expect((env.webhook.calls[0]!.body as { args: unknown }).args).toEqual({ id: '43' });
    const [decided] = (await getJson(`${env.bridge.url}/interrupts?threadId=console-edit`)).interrupts;
    expect(decided).toMatchObject({
      status: 'executed',
      resolvedVia: 'api',
      payload: { approved: true, args: { id: '43' } },
    });

    // What the bridge streamed is a valid AG-UI history, and the console shows the stored messages.
    const { agent } = await replayVerified(env.bridge.url, 'assistant', 'console-edit');
    expect(agent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    const shown = await p
      .locator('[data-testid="message"]:not(.draft)')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-message-id')));
    expect(shown).toEqual(agent.messages.map((m) => m.id));
    expect(await sameDocument(p)).toBe('first load');
    expect(errors).toEqual([]);
  });

  it('rejects with a comment: the tool never runs, the thread shows the refusal and the continuation', async () => {
    env = closeAfterTest(await startLlmBridge());
    const { page: p, errors } = await openConsole(env.bridge.url);
    const follows: { after: string | null; lastEventId: string | undefined }[] = [];
    p.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/threads/console-reject/events')
        follows.push({
          after: url.searchParams.get('after'),
          lastEventId: request.headers()['last-event-id'],
        });
    });
    const { interruptId } = await runUntilApproval(env, 'console-reject');
    const approval = card(p, interruptId);
    await approval.waitFor();

    // The operator opens the thread first: its interrupted run is replayed (5 events)...
    await approval.getByTestId('approval-thread').click();
    await p.locator('[data-testid="timeline-row"][data-seq="5"]').waitFor();
    expect(follows[0]).toEqual({ after: '0', lastEventId: '0' });
    // ...then the bridge drops every live follower: the console resumes after the last event it saw.
    env.bridge.runtime.subscribers.closeAll();
    await expect.poll(() => follows.length).toBe(2);
    expect(follows[1]).toEqual({ after: '5', lastEventId: '5' });
    await p.locator('[data-testid="follow-state"][data-state="live"]').waitFor();

    env.llm.push({ text: ['Understood, no refund for order 42.'] });
    await approval.getByTestId('reject').click();
    const dialog = p.getByTestId('reject-dialog');
    await dialog.getByTestId('reject-comment').fill('Order 42 is past the refund window');
    await dialog.getByTestId('reject-submit').click();
    await dialog.waitFor({ state: 'detached' });

    const result = p.locator('[data-testid="tool-result"][data-tool-call-id="call-console-reject"]');
    await result.waitFor();
    await p.locator('[data-testid="message-text"]:text-is("Understood, no refund for order 42.")').waitFor();
    await waitForThreadIdle(p, 'console-reject');
    expect(JSON.parse((await result.textContent()) ?? '')).toEqual({
      error: 'The call to refund_order was rejected by the approver; the tool did not run.',
      comment: 'Order 42 is past the refund window',
    });
    expect(env.webhook.calls).toHaveLength(0);
    // The model was told: its next request carries the refusal as the tool result.
    const lastCall = env.llm.calls.at(-1)!;
    expect(JSON.stringify(lastCall.messages)).toContain('past the refund window');
    await card(p, interruptId).waitFor({ state: 'detached' });

    // The timeline holds every logged event once, in order, across the reconnection.
    const { events } = await getJson(`${env.bridge.url}/threads/console-reject/events`);
    await p.locator(`[data-testid="timeline-row"][data-seq="${events.length}"]`).waitFor();
    const seqs = await p
      .getByTestId('timeline-row')
      .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-seq'))));
    expect(seqs).toEqual(events.map((e: { seq: number }) => e.seq));
    const { agent } = await replayVerified(env.bridge.url, 'assistant', 'console-reject');
    expect(agent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(await sameDocument(p)).toBe('first load');
    expect(errors).toEqual([]);
  });

  it('a decision that lost the race shows the 409 on its card, and the tool runs once', async () => {
    env = closeAfterTest(await startLlmBridge());
    const { page: p, errors } = await openConsole(env.bridge.url);
    const { interruptId } = await runUntilApproval(env, 'console-race');
    const approval = card(p, interruptId);
    await approval.waitFor();
    // From now on the console's approval polls never answer, so its card stays while someone
    // else approves the call through the API.
    await p.route('**/interrupts?status=pending', () => undefined);
    env.llm.push({ text: ['Refund done.'] });
    const other = await fetch(`${env.bridge.url}/interrupts/${interruptId}/resolve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'resolved', payload: { approved: true } }),
    });
    expect(other.status).toBe(202);

    await approval.getByTestId('approve').click();
    const error = approval.getByTestId('approval-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('409 INTERRUPT_NOT_PENDING');
    await p.locator('[data-testid="toast"].error').first().waitFor();
    await approval.getByTestId('approval-dismiss').click();
    await approval.waitFor({ state: 'detached' });

    await p.goto(`${env.bridge.url}/console#/threads/console-race`);
    await waitForThreadIdle(p, 'console-race');
    expect(env.webhook.calls).toHaveLength(1);
    await replayVerified(env.bridge.url, 'assistant', 'console-race');
    expect(errors).toEqual([]);
  });
});
