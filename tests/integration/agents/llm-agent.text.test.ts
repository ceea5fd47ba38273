import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentDefinitionSchema } from '../../../src/agents/agent-definition.js';
import { createLlmAgent } from '../../../src/agents/llm-agent.js';
import { createScriptedLlmServer, type ScriptedLlmServer } from '../../fakes/scripted-llm-server.js';
import { lastOfType, runAgentVerified } from '../../fixtures/run-agent-verified.js';

let llm: ScriptedLlmServer;
beforeEach(async () => {
  llm = await createScriptedLlmServer();
});
afterEach(async () => {
  await llm.close();
});

function agent(extra: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  const definition = AgentDefinitionSchema.parse({
    id: 'assistant',
    name: 'Assistant',
    description: 'Answers questions',
    model: 'gpt-test',
    baseUrl: llm.url,
    systemPrompt: 'You are helpful.',
    ...extra,
  });
  return createLlmAgent(definition, { env, maxRetries: 0 });
}

describe('LLM agent: text', () => {
  it('streams the model text as one assistant message', async () => {
    llm.push({ text: ['Hel', 'lo', ' there'] });
    const events = await runAgentVerified(agent());
    expect(events.map((e) => e.type)).toEqual([
      'RUN_STARTED',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'RUN_FINISHED',
    ]);
    const deltas = events
      .filter((e) => e.type === 'TEXT_MESSAGE_CONTENT')
      .map((e) => (e as unknown as { delta: string }).delta);
    expect(deltas.join('')).toBe('Hello there');
    expect(lastOfType(events, 'RUN_FINISHED')).not.toHaveProperty('outcome');
  });

  it('sends the system prompt, the conversation, the run context and streaming options', async () => {
    llm.push({ text: ['Hi'] });
    await runAgentVerified(agent(), {
      messages: [{ id: 'u1', role: 'user', content: 'Hello' }],
      context: [{ description: 'Page', value: 'checkout' }],
    });
    expect(llm.calls).toHaveLength(1);
    expect(llm.calls[0]).toMatchObject({
      model: 'gpt-test',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'You are helpful.\n\nContext from the application:\n- Page: checkout' },
        { role: 'user', content: 'Hello' },
      ],
    });
    expect(llm.calls[0]).not.toHaveProperty('tools');
  });

  it('reports the call usage on RUN_FINISHED', async () => {
    llm.push({
      text: ['Hi'],
      model: 'gpt-test-2025',
      usage: {
        prompt_tokens: 12,
        completion_tokens: 3,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 4 },
      },
    });
    const events = await runAgentVerified(agent());
    expect(lastOfType(events, 'RUN_FINISHED').usage).toEqual([
      {
        provider: '127.0.0.1',
        model: 'gpt-test-2025',
        inputTokens: 12,
        outputTokens: 3,
        totalTokens: 15,
        cachedInputTokens: 4,
      },
    ]);
  });

  it('authenticates with OPENAI_API_KEY, or only with the apiKeyEnv variable when the agent names one', async () => {
    llm.push({ text: ['a'] }, { text: ['b'] }, { text: ['c'] });
    await runAgentVerified(agent({}, { OPENAI_API_KEY: 'sk-default-key' }));
    await runAgentVerified(
      agent({ apiKeyEnv: 'OTHER_KEY' }, { OPENAI_API_KEY: 'sk-default-key', OTHER_KEY: 'sk-other-key' }),
    );
    await runAgentVerified(agent({ apiKeyEnv: 'MISSING_KEY' }, { OPENAI_API_KEY: 'sk-default-key' }));
    expect(llm.headers.map((h) => h.authorization)).toEqual([
      'Bearer sk-default-key',
      'Bearer sk-other-key',
      'Bearer unset',
    ]);
  });

  it('uses OPENAI_BASE_URL when the agent has no baseUrl', async () => {
    llm.push({ text: ['Hi'] });
    const definition = AgentDefinitionSchema.parse({ id: 'a', name: 'A', description: '', model: 'm' });
    const events = await runAgentVerified(
      createLlmAgent(definition, { env: { OPENAI_BASE_URL: llm.url }, maxRetries: 0 }),
    );
    expect(lastOfType(events, 'RUN_FINISHED')).toBeDefined();
    expect(llm.calls).toHaveLength(1);
  });

  it('describes itself with AG-UI capabilities', () => {
    const capabilities = agent({
      maxIterations: 4,
      tools: [
        {
          name: 'lookup_order',
          description: 'Find an order',
          handler: { type: 'http', url: 'http://127.0.0.1:1/x' },
        },
      ],
    }).capabilities();
    expect(capabilities).toEqual({
      identity: { name: 'Assistant', description: 'Answers questions', type: 'openai-chat-completions' },
      transport: { streaming: true },
      tools: {
        supported: true,
        items: [
          {
            name: 'lookup_order',
            description: 'Find an order',
            parameters: { type: 'object', properties: {} },
          },
        ],
        parallelCalls: true,
        clientProvided: true,
      },
      execution: { maxIterations: 4 },
      custom: { tokenUsage: true },
    });
  });
});
