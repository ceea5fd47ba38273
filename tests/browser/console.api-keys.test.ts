import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpAgent } from '@ag-ui/client';
import type { Browser } from 'playwright-core';
import { buildConsole } from '../../scripts/build-console.js';
import { launchChromium, openConsolePage, replayVerified } from '../fixtures/chromium.js';
import { startTestBridge, type TestBridge } from '../fixtures/test-bridge.js';

// With BRIDGE_API_KEYS the console's page and assets are public, but every API call it makes
// needs the operator's key: the page asks for it on the first 401 and keeps it for the session.
let browser: Browser;
let bridge: TestBridge;
const KEY = 'key-of-ops';
const AUTH = { authorization: `Bearer ${KEY}` };

beforeAll(async () => {
  await buildConsole();
  browser = await launchChromium();
  bridge = await startTestBridge({ env: { BRIDGE_API_KEYS: `ops:${KEY}, other:key-of-other` } });
});
afterAll(async () => {
  await browser?.close();
  await bridge?.close();
});

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
    expect(await page.evaluate(() => sessionStorage.getItem('agui-bridge.console.apiKey'))).toBe(KEY);

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
});
