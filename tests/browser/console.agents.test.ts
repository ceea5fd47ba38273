import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { adminCall, runOnce } from '../fixtures/admin-api.js';
import { openConsolePage, replayVerified, screenshot, useConsoleBrowser } from '../fixtures/chromium.js';
import { startLlmBridge, type LlmBridge } from '../fixtures/llm-bridge.js';

// The console's Agents view in a real headless Chromium against a real bridge: the YAML agent
// `assistant` (model gpt-test, tools lookup_order and refund_order with approval) on a scripted
// model, stored agents and overrides through the admin API, and the read-only fallback.
let env: LlmBridge | undefined;
let page: Page | undefined;
const { browser, closeAfterTest } = useConsoleBrowser();

const row = (p: Page, agentId: string) => p.locator(`[data-testid="agent-row"][data-agent-id="${agentId}"]`);
const cells = async (p: Page, agentId: string) => {
  const r = row(p, agentId);
  return {
    source: await r.getByTestId('agent-source').textContent(),
    version: await r.getByTestId('agent-version').textContent(),
    model: await r.getByTestId('agent-model').textContent(),
    tools: await r.getByTestId('agent-tools').textContent(),
    approvals: await r.getByTestId('agent-approvals').textContent(),
  };
};

/** Opens the console on the Agents view through its navigation link. */
async function openAgents(url: string, prepare?: (p: Page) => Promise<void>) {
  const opened = await openConsolePage(browser(), url, prepare);
  page = closeAfterTest(opened.page);
  await page.getByTestId('nav-agents').click();
  await page.getByTestId('agents-view').waitFor();
  return opened;
}

/** The model and system prompt of the scripted model's last call. */
function lastLlmCall(llm: LlmBridge['llm']) {
  const call = llm.calls.at(-1)!;
  return { model: call.model, system: call.messages.find((m) => m.role === 'system')?.content ?? null };
}

describe('operator console: agents', () => {
  it('lists every agent with source, version, model, tools and approvals; a stored agent shows its versions', async () => {
    env = closeAfterTest(await startLlmBridge());
    const url = env.bridge.url;
    const helper = { extends: 'assistant', name: 'Helper', description: 'Helps', systemPrompt: 'Help.' };
    expect((await adminCall(url, 'POST', '', { id: 'helper', ...helper })).status).toBe(201);
    const second = {
      ...helper,
      systemPrompt: 'Help briefly.',
      tools: [{ name: 'refund_order', approvalTtl: '1h' }],
    };
    expect((await adminCall(url, 'PUT', '/helper', second)).status).toBe(200);

    const { page: p, errors } = await openAgents(url);
    await row(p, 'helper').waitFor();
    expect(
      await p.getByTestId('agent-row').evaluateAll((rows) => rows.map((r) => r.dataset.agentId)),
    ).toEqual(['demo', 'assistant', 'helper']);
    expect(await cells(p, 'demo')).toEqual({
      source: 'built-in',
      version: '—',
      model: 'built-in (no LLM)',
      tools: '2',
      // The built-in agent's approvals are decided in code: /info says only that some tool has one.
      approvals: 'some tools',
    });
    expect(await cells(p, 'assistant')).toEqual({
      source: 'YAML file',
      version: '—',
      model: 'gpt-test',
      tools: '2',
      approvals: 'refund_order (15m)',
    });
    expect(await cells(p, 'helper')).toEqual({
      source: 'database extends assistant',
      version: '2',
      model: 'gpt-test',
      tools: '2',
      approvals: 'refund_order (1h)',
    });
    expect(await p.getByTestId('agents-readonly').isHidden()).toBe(true);

    await row(p, 'helper').getByRole('link').click();
    expect(new URL(p.url()).hash).toBe('#/agents/helper');
    const detail = p.getByTestId('agent-detail');
    await detail.getByTestId('agent-versions').waitFor();
    const versions = await detail
      .getByTestId('agent-version-row')
      .evaluateAll((rows) =>
        rows.map((r) => [r.dataset.version, r.querySelector('td:nth-child(3)')?.textContent]),
      );
    expect(versions).toEqual([
      ['2', 'default'],
      ['1', 'default'],
    ]);
    expect(await detail.getByTestId('agent-detail-version').textContent()).toBe('version 2');
    const effective = JSON.parse((await detail.getByTestId('agent-effective').textContent()) ?? '');
    expect(effective).toMatchObject({
      id: 'helper',
      name: 'Helper',
      model: 'gpt-test',
      systemPrompt: 'Help briefly.',
    });
    expect(JSON.parse((await detail.getByTestId('agent-stored').textContent()) ?? '')).toEqual({
      id: 'helper',
      ...second,
    });
    await detail.getByTestId('edit-override').waitFor();
    await screenshot(p, 'console-agents');

    // The built-in agent is shown, never editable.
    await row(p, 'demo').getByRole('link').click();
    await detail.getByTestId('agent-versions-empty').waitFor();
    expect(await detail.getByTestId('edit-override').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('edits an override from the console: a wrong one names its fields, a good one is the next version and the next run uses it', async () => {
    env = closeAfterTest(await startLlmBridge());
    const url = env.bridge.url;
    const { page: p, errors } = await openAgents(url);
    await row(p, 'assistant').getByRole('link').click();
    const detail = p.getByTestId('agent-detail');
    await detail.getByTestId('agent-versions-empty').waitFor();
    await detail.getByTestId('edit-override').click();
    const editor = detail.getByTestId('override-editor');
    const text = editor.getByTestId('override-json');
    expect(JSON.parse(await text.inputValue())).toEqual({});

    // Not JSON: caught before anything is sent.
    await text.fill('{ "model": ');
    await editor.getByTestId('override-json-error').waitFor();
    expect(await editor.getByTestId('override-save').isDisabled()).toBe(true);

    // Valid JSON the bridge refuses: every field it named is listed.
    await text.fill(
      JSON.stringify(
        {
          tools: [
            { name: 'refund_order', approval: 'sometimes' },
            { name: 'x', aproval: 'always' },
          ],
        },
        null,
        2,
      ),
    );
    await editor.getByTestId('override-save').click();
    await editor.getByTestId('override-refusal').waitFor();
    expect(await editor.getByTestId('override-refusal-title').textContent()).toContain('400 INVALID_INPUT');
    const issues = editor.getByTestId('override-issue');
    expect(await issues.evaluateAll((els) => els.map((el) => el.dataset.path))).toEqual([
      'tools.0.approval',
      'tools.1',
    ]);
    expect(await issues.nth(0).textContent()).toContain('"never"|"always"');
    expect(await issues.nth(1).textContent()).toContain('aproval');
    await screenshot(p, 'console-agent-override-error');
    expect((await adminCall(url, 'GET', '/assistant/versions')).body.versions).toEqual([]);

    await text.fill(JSON.stringify({ model: 'gpt-console', systemPrompt: 'Answer in one line.' }));
    expect(await editor.getByTestId('override-save').textContent()).toBe('Save as version 1');
    await editor.getByTestId('override-save').click();
    await editor.waitFor({ state: 'detached' });
    await p.locator('[data-testid="agent-detail-version"]:text-is("version 1")').waitFor();
    expect(JSON.parse((await detail.getByTestId('agent-effective').textContent()) ?? '')).toMatchObject({
      model: 'gpt-console',
      systemPrompt: 'Answer in one line.',
      maxIterations: 6,
    });
    expect(await detail.getByTestId('agent-version-row').count()).toBe(1);
    await p
      .locator(
        '[data-testid="agent-row"][data-agent-id="assistant"] [data-testid="agent-model"]:text-is("gpt-console")',
      )
      .waitFor();
    expect((await cells(p, 'assistant')).version).toBe('1');

    // The next run uses the saved version.
    env.llm.push({ text: ['ok'] });
    const runs = await runOnce(url, 'assistant', 'after-console-edit');
    expect(runs[0].agentVersion).toBe(1);
    expect(lastLlmCall(env.llm)).toEqual({ model: 'gpt-console', system: 'Answer in one line.' });
    await replayVerified(url, 'assistant', 'after-console-edit');
    expect(errors).toEqual([]);
  });

  it('is read-only, from GET /info, when the admin API refuses the key (403)', async () => {
    env = closeAfterTest(
      await startLlmBridge({
        env: { BRIDGE_API_KEYS: 'ops:key-ops,app:key-app', BRIDGE_ADMIN_TENANTS: 'ops' },
      }),
    );
    // The key already in the session, as after entering it once (runs in the page).
    const withKey = (key: string) => async (p: Page) => {
      await p.addInitScript(
        (k) => (globalThis as any).sessionStorage.setItem('agui-bridge.console.apiKey', k),
        key,
      );
    };
    const { page: p, errors } = await openAgents(env.bridge.url, withKey('key-app'));
    const note = p.getByTestId('agents-readonly');
    await note.waitFor();
    expect(await note.textContent()).toContain('403 FORBIDDEN');
    await row(p, 'assistant').waitFor();
    expect(await cells(p, 'assistant')).toEqual({
      source: '—',
      version: '—',
      model: '—',
      tools: '2',
      approvals: 'some tools',
    });
    await row(p, 'assistant').getByRole('link').click();
    const info = p.getByTestId('agent-info');
    await info.waitFor();
    expect(JSON.parse((await info.textContent()) ?? '')).toMatchObject({ name: 'Assistant' });
    expect(await p.getByTestId('edit-override').count()).toBe(0);
    expect(errors).toEqual([]);

    // An administrator's key sees the same agent editable.
    await p.close();
    const admin = await openAgents(env.bridge.url, withKey('key-ops'));
    await admin.page.goto(`${env.bridge.url}/console#/agents/assistant`);
    await admin.page.getByTestId('edit-override').waitFor();
    expect(await admin.page.getByTestId('agents-readonly').isHidden()).toBe(true);
  });
});
