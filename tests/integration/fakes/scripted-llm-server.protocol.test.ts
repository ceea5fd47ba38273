import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScriptedLlmServer, type ScriptedLlmServer } from '../../fakes/scripted-llm-server.js';

// The fake stands in for real endpoints in every LLM test, so it is checked against the real SDK here.
let llm: ScriptedLlmServer;
let client: OpenAI;
beforeEach(async () => {
  llm = await createScriptedLlmServer();
  client = new OpenAI({ apiKey: 'k', baseURL: llm.url, maxRetries: 0, logLevel: 'off' });
});
afterEach(async () => {
  await llm.close();
});

describe('scripted LLM server', () => {
  it('streams text, tool-call argument pieces by index and usage in the OpenAI chunk format', async () => {
    llm.push({
      text: ['Hi'],
      toolCalls: [{ id: 'c1', name: 'f', arguments: '{"a":1}', chunks: 3 }],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    });
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const args = chunks
      .flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])
      .map((t) => t.function?.arguments ?? '');
    expect(args.join('')).toBe('{"a":1}');
    expect(args.filter((a) => a !== '')).toHaveLength(3);
    expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['tool_calls']);
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
    expect(llm.calls[0]).toMatchObject({ model: 'm', stream: true });
  });

  it('sends usage only when the request asks for it', async () => {
    llm.push({ text: ['Hi'], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } });
    const stream = await client.chat.completions.create({ model: 'm', messages: [], stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  it('answers non-streaming requests with a chat.completion', async () => {
    llm.push({ text: ['Hel', 'lo'], toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }] });
    const completion = await client.chat.completions.create({ model: 'm', messages: [] });
    expect(completion.choices[0]?.message).toMatchObject({
      role: 'assistant',
      content: 'Hello',
      tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('answers scripted errors, and an empty queue, with OpenAI-style errors', async () => {
    llm.push({ status: 429, errorMessage: 'slow down' });
    await expect(client.chat.completions.create({ model: 'm', messages: [] })).rejects.toMatchObject({
      status: 429,
      message: '429 slow down',
    });
    await expect(client.chat.completions.create({ model: 'm', messages: [] })).rejects.toMatchObject({
      status: 500,
      message: expect.stringContaining('no reply queued for request #2'),
    });
  });
});
