import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { HttpAgent } from '@ag-ui/client';
import type { BaseEvent, Message } from '@ag-ui/core';
import { createScriptedLlmServer, type ScriptedLlmServer } from '../../fakes/scripted-llm-server.js';
import { createToolWebhookServer, type ToolWebhookServer } from '../../fakes/tool-webhook-server.js';
import { startTestBridge, type TestBridge } from '../../fixtures/test-bridge.js';

let llm: ScriptedLlmServer;
let webhook: ToolWebhookServer;
let bridge: TestBridge;

beforeEach(async () => {
  llm = await createScriptedLlmServer();
  webhook = await createToolWebhookServer({
    lookup_order: () => ({ status: 200, body: { id: '42', status: 'shipped' } }),
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'agents-'));
  const file = path.join(dir, 'agents.yaml');
  writeFileSync(
    file,
    stringify({
      agents: [
        {
          id: 'assistant',
          name: 'Assistant',
          description: 'Answers questions about orders',
          model: 'gpt-test',
          systemPrompt: 'You are helpful.',
          maxIterations: 4,
          tools: [
            {
              name: 'lookup_order',
              description: 'Find an order',
              parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
              handler: { type: 'http', url: webhook.urlFor('lookup_order') },
            },
          ],
        },
      ],
    }),
  );
  bridge = await startTestBridge({
    env: {
      BRIDGE_AGENTS_FILE: file,
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: 'sk-test-key',
      BRIDGE_LLM_TIMEOUT_MS: '500',
      BRIDGE_LLM_MAX_RETRIES: '0',
    },
  });
});
afterEach(async () => {
  await bridge.close();
  await Promise.all([llm.close(), webhook.close()]);
});

function client(threadId: string, content: string) {
  const agent = new HttpAgent({
    url: `${bridge.url}/agent/assistant/run`,
    threadId,
    initialMessages: [{ id: `u-${threadId}`, role: 'user', content }],
  });
  const events: BaseEvent[] = [];
  const run = () =>
    agent.runAgent({}, { onEvent: ({ event }) => void events.push(event) }).catch((error: unknown) => error);
  return { agent, events, run };
}

async function storedEvents(threadId: string): Promise<BaseEvent[]> {
  const body = (await (await fetch(`${bridge.url}/threads/${threadId}/events`)).json()) as {
    events: { seq: number; event: BaseEvent }[];
  };
  expect(body.events.map((e) => e.seq)).toEqual(body.events.map((_, i) => i + 1));
  return body.events.map((e) => e.event);
}

describe('LLM agent through HttpAgent and the real server', () => {
  it('lists the agent in /info and streams text from the model', async () => {
    const info = (await (await fetch(`${bridge.url}/info`)).json()) as {
      agents: Record<string, { name: string }>;
    };
    expect(info.agents.assistant?.name).toBe('Assistant');

    llm.push({
      model: 'gpt-test',
      text: ['Hello', ', ', 'world'],
      usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
    });
    const { agent, events, run } = client('llm-text', 'Say hello');
    await run();
    expect(agent.messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Hello, world' });
    expect(events.at(-1)).toMatchObject({
      type: 'RUN_FINISHED',
      usage: [{ model: 'gpt-test', inputTokens: 12, outputTokens: 3, totalTokens: 15 }],
    });
    expect(llm.calls[0]?.messages).toEqual([
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'Say hello' },
    ]);
    expect(llm.headers[0]?.authorization).toBe('Bearer sk-test-key');

    expect(await storedEvents('llm-text')).toEqual(events);
    const messages = (await (await fetch(`${bridge.url}/threads/llm-text/messages`)).json()) as Message[];
    expect(messages).toEqual(agent.messages);
    const summary = (await (await fetch(`${bridge.url}/threads/llm-text`)).json()) as {
      runs: { usage: unknown }[];
    };
    expect(summary.runs[0]?.usage).toEqual([
      { provider: expect.any(String), model: 'gpt-test', inputTokens: 12, outputTokens: 3, totalTokens: 15 },
    ]);
  });

  it('calls a backend tool over its real webhook, feeds the result back, and answers', async () => {
    llm.push(
      { toolCalls: [{ id: 'call-1', name: 'lookup_order', arguments: '{"id":"42"}', chunks: 3 }] },
      { text: ['Order 42 has shipped.'] },
    );
    const { agent, events, run } = client('llm-tool', 'Where is order 42?');
    await run();

    expect(webhook.calls).toHaveLength(1);
    expect(webhook.calls[0]?.body).toMatchObject({
      toolCallId: 'call-1',
      threadId: 'llm-tool',
      name: 'lookup_order',
      args: { id: '42' },
    });
    expect(events.find((e) => e.type === 'TOOL_CALL_RESULT')).toMatchObject({
      toolCallId: 'call-1',
      content: JSON.stringify({ id: '42', status: 'shipped' }),
    });
    const second = llm.calls[1]?.messages ?? [];
    expect(second.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call-1' });
    expect(agent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);

    expect(await storedEvents('llm-tool')).toEqual(events);
    const messages = (await (await fetch(`${bridge.url}/threads/llm-tool/messages`)).json()) as Message[];
    expect(messages).toEqual(agent.messages);
  });

  it('ends with RUN_ERROR LLM_ERROR when the upstream answers 500, and records it', async () => {
    llm.push({ status: 500, errorMessage: 'upstream exploded' });
    const { events, run } = client('llm-500', 'hi');
    await run();
    expect(events.at(-1)).toMatchObject({ type: 'RUN_ERROR', code: 'LLM_ERROR' });
    expect(JSON.stringify(events)).not.toContain('sk-test-key');
    const summary = (await (await fetch(`${bridge.url}/threads/llm-500`)).json()) as {
      status: string;
      runs: { status: string; error: { code: string } }[];
    };
    expect(summary).toMatchObject({
      status: 'idle',
      runs: [{ status: 'error', error: { code: 'LLM_ERROR' } }],
    });
    expect(await storedEvents('llm-500')).toEqual(events);
  });

  it('ends with RUN_ERROR LLM_ERROR when the upstream hangs mid-stream, never a hung stream', async () => {
    llm.push({ text: ['Thinking'], hang: true });
    const { events, run } = client('llm-hang', 'hi');
    await run();
    expect(events.at(-1)).toMatchObject({ type: 'RUN_ERROR', code: 'LLM_ERROR' });
    await llm.whenRequestAborted();
    const messages = (await (await fetch(`${bridge.url}/threads/llm-hang/messages`)).json()) as Message[];
    expect(messages.at(-1)).toMatchObject({ role: 'assistant', content: 'Thinking' });
  });
});
