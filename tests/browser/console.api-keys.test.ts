import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpAgent } from '@ag-ui/client';
import type { Browser, Page } from 'playwright-core';
import { buildConsole } from '../../scripts/build-console.js';
import { launchChromium, openConsolePage, replayVerified } from '../fixtures/chromium.js';
import { startTestBridge, type TestBridge } from '../fixtures/test-bridge.js';

// With BRIDGE_API_KEYS the console's page and assets are public, but every API call it makes
// needs the operator's key: the page asks for it on the first 401 and keeps it for the session.
let browser: Browser;
let bridge: TestBridge;
const KEY = 'key-of-ops';
const AUTH = { authorization: `Bearer ${KEY}` };
/** Where the console keeps the key (sessionStorage). */
const KEY_ITEM = 'agui-bridge.console.apiKey';

beforeAll(async () => {
  await buildConsole();
  browser = await launchChromium();
  bridge = await startTestBridge({ env: { BRIDGE_API_KEYS: `ops:${KEY}, other:key-of-other` } });
});
afterAll(async () => {
  await browser?.close();
  await bridge?.close();
});

/** The operator's key already in the session, as after entering it once. */
async function withKey(page: Page): Promise<void> {
  // Runs in the page (typed without the DOM library here).
  await page.addInitScript(({ item, key }) => (globalThis as any).sessionStorage.setItem(item, key), {
    item: KEY_ITEM,
    key: KEY,
  });
}

describe('operator console with API keys', () => {
  it('serves the page and its assets without a key, with content types and cache headers', async () => {
    const page = await fetch(`${bridge.url}/console`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      const res = await fetch(`${bridge.url}${asset}`);
      expect(res.status, asset).toBe(200);
      expect(res.headers.get('content-type'), asset).toMatch(
        asset.endsWith('.js') ? /javascript/ : /^text\/css/,
      );
      expect(res.headers.get('cache-control'), asset).toBe('public, max-age=31536000, immutable');
    }
    const missing = await fetch(`${bridge.url}/console/assets/nothing.js`);
    expect(missing.status).toBe(404);
    // The API itself still needs the key.
    expect((await fetch(`${bridge.url}/interrupts?status=pending`)).status).toBe(401);
  });

  it('asks for the key on the first 401, refuses a wrong one, then works for the session', async () => {
    const { page, errors } = await openConsolePage(browser, bridge.url);
    const dialog = page.getByTestId('key-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('key-reason').textContent()).toContain('requires an API key');

    await dialog.getByTestId('key-input').fill('not-a-key');
    await dialog.getByTestId('key-submit').click();
    await page.locator('[data-testid="key-reason"]:has-text("refused")').waitFor();
    await page.getByTestId('key-input').fill(KEY);
    await page.getByTestId('key-submit').click();
    await page.getByTestId('key-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('approvals-empty').waitFor();
    expect(await page.evaluate((item) => (globalThis as any).sessionStorage.getItem(item), KEY_ITEM)).toBe(
      KEY,
    );

    // A demo run asks for a refund approval; it appears live in the keyed console.
    const agent = new HttpAgent({
      url: `${bridge.url}/agent/demo/run`,
      threadId: 'keyed-refund',
      headers: AUTH,
      initialMessages: [{ id: 'u1', role: 'user', content: 'refund please' }],
    });
    await agent.runAgent();
    const interruptId = agent.pendingInterrupts[0]!.id;
    const card = page.locator(`[data-testid="approval-card"][data-interrupt-id="${interruptId}"]`);
    await card.getByTestId('approve').click();
    await page.locator('[data-testid="tool-result"]').waitFor();
    await page.locator('[data-testid="message-text"]:has-text("Done: ")').waitFor();
    await page.locator('[data-testid="thread-status"] >> text=idle').waitFor();
    await page.locator('[data-testid="follow-state"][data-state="live"]').waitFor();

    // Reloading in the same session needs no new key.
    await page.reload();
    await page
      .locator('[data-testid="thread-row"][data-thread-id="keyed-refund"][data-status="idle"]')
      .waitFor();
    expect(await page.getByTestId('key-dialog').count()).toBe(0);

    const { agent: replayed } = await replayVerified(bridge.url, 'demo', 'keyed-refund', AUTH);
    expect(replayed.messages.some((m) => m.role === 'tool')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  // GET /usage belongs to the usage-metering work: whether this bridge has it or not, the browser
  // is given each answer here, so the panel is checked against the documented shape.
  it('shows the usage panel when GET /usage answers, and hides it on 404', async () => {
    const report = {
      groups: [
        {
          key: 'assistant',
          inputTokens: 1200,
          outputTokens: 300,
          cachedTokens: 200,
          reasoningTokens: 0,
          totalTokens: 1500,
          costUsd: 0.0123,
          calls: 4,
        },
        {
          key: 'demo',
          inputTokens: 0,
          outputTokens: 0,
          cachedTokens: 0,
          reasoningTokens: 0,
          totalTokens: 0,
          costUsd: 0,
          calls: 0,
        },
      ],
      totals: {
        inputTokens: 1200,
        outputTokens: 300,
        cachedTokens: 200,
        reasoningTokens: 0,
        totalTokens: 1500,
        costUsd: 0.0123,
        calls: 4,
      },
    };
    const asked: string[] = [];
    const { page, errors } = await openConsolePage(browser, bridge.url, async (p) => {
      await withKey(p);
      await p.route('**/usage?*', (route) => {
        asked.push(route.request().url());
        return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(report) });
      });
    });
    const panel = page.getByTestId('usage-panel');
    await panel.getByTestId('usage-row').first().waitFor();
    expect(await panel.getByTestId('usage-row').first().locator('td').allTextContents()).toEqual([
      'assistant',
      '4',
      '1,200',
      '300',
      '200',
      '0',
      '1,500',
      '$0.0123',
    ]);
    expect(await panel.getByTestId('usage-total').locator('th').last().textContent()).toBe('$0.0123');
    expect(new URL(asked[0]!).searchParams.get('groupBy')).toBe('agent');
    await panel.getByTestId('usage-group-by').selectOption('model');
    await expect.poll(() => asked.some((u) => new URL(u).searchParams.get('groupBy') === 'model')).toBe(true);
    await page.close();

    let answered: Promise<unknown> = Promise.resolve();
    const without = await openConsolePage(browser, bridge.url, async (p) => {
      await withKey(p);
      await p.route('**/usage?*', (route) =>
        route.fulfill({
          status: 404,
          contentType: 'application/json',
          body: '{"error":{"code":"NOT_FOUND","message":"No route"}}',
        }),
      );
      answered = p.waitForResponse((res) => res.url().includes('/usage?'));
    });
    await answered;
    await without.page.getByTestId('approvals-empty').waitFor();
    expect(await without.page.getByTestId('usage-panel').isHidden()).toBe(true);
    await without.page.close();
    expect([...errors, ...without.errors]).toEqual([]);
  });
});
