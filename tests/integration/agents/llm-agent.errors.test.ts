import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, filter } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BaseEvent } from '@ag-ui/core';
import { AgentDefinitionSchema } from '../../../src/agents/agent-definition.js';
import { createLlmAgent, type LlmAgentDeps } from '../../../src/agents/llm-agent.js';
import { createScriptedLlmServer, type ScriptedLlmServer } from '../../fakes/scripted-llm-server.js';
import { lastOfType, runAgentVerified } from '../../fixtures/run-agent-verified.js';

let llm: ScriptedLlmServer;
beforeEach(async () => {
  llm = await createScriptedLlmServer();
});
afterEach(async () => {
  await llm.close();
});

const SECRET = 'sk-test-secret-key-123456';

function agent(deps: Partial<LlmAgentDeps> = {}, baseUrl = llm.url) {
  const definition = AgentDefinitionSchema.parse({
    id: 'a',
    name: 'A',
    description: '',
    model: 'gpt-test',
    baseUrl,
  });
  return createLlmAgent(definition, { env: { OPENAI_API_KEY: SECRET }, maxRetries: 0, ...deps });
}

const types = (events: BaseEvent[]): string[] => events.map((e) => e.type);

function expectLlmError(events: BaseEvent[], message: RegExp): void {
  const error = lastOfType(events, 'RUN_ERROR');
  expect(error).toMatchObject({ code: 'LLM_ERROR' });
  expect(error.message).toMatch(message);
  expect(JSON.stringify(events)).not.toContain(SECRET);
  expect(types(events).at(-1)).toBe('RUN_ERROR');
}

describe('LLM agent: upstream failures', () => {
  it('turns an upstream 500 into RUN_ERROR LLM_ERROR naming the status', async () => {
    llm.push({ status: 500 });
    const events = await runAgentVerified(agent());
    expectLlmError(events, /HTTP 500/);
    expect(types(events)).toEqual(['RUN_STARTED', 'RUN_ERROR']);
  });

  it('never repeats the API key the endpoint echoes in its error', async () => {
    llm.push({ status: 401, errorMessage: `Incorrect API key provided: ${SECRET}. Check sk-proj-abcdefgh.` });
    const events = await runAgentVerified(agent());
    expectLlmError(
      events,
      /^The LLM endpoint answered HTTP 401: Incorrect API key provided: \[redacted\]\. Check \[redacted\]\.$/,
    );
  });

  it('retries a 5xx once by default and succeeds', async () => {
    llm.push({ status: 503 }, { text: ['Recovered'] });
    const events = await runAgentVerified(agent({ maxRetries: undefined }));
    expect(llm.calls).toHaveLength(2);
    expect(types(events).at(-1)).toBe('RUN_FINISHED');
  });

  it('turns a stream that stalls past requestTimeoutMs into LLM_ERROR', async () => {
    llm.push({ hang: true });
    const events = await runAgentVerified(agent({ requestTimeoutMs: 300 }));
    expectLlmError(events, /stalled.*300 ms/);
  });

  it('keeps the text streamed before a stall, closed, and then fails', async () => {
    llm.push({ text: ['Par', 'tial'], hang: true });
    const events = await runAgentVerified(agent({ requestTimeoutMs: 300 }));
    expectLlmError(events, /stalled/);
    expect(types(events)).toEqual([
      'RUN_STARTED',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'RUN_ERROR',
    ]);
  });

  it('turns a malformed chunk into LLM_ERROR', async () => {
    llm.push({ text: ['Hi'], malformed: true });
    const events = await runAgentVerified(agent());
    expectLlmError(events, /malformed/);
  });

  it('turns a refused connection into LLM_ERROR', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const events = await runAgentVerified(agent({}, `http://127.0.0.1:${port}/v1`));
    expectLlmError(events, /Could not connect/);
  });
});

describe('LLM agent: cancellation', () => {
  it('stops mid-stream when the run signal aborts, aborting the request and completing without error', async () => {
    llm.push({ text: ['Hel'], hang: true });
    const controller = new AbortController();
    const events = await runAgentVerified(agent(), {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'TEXT_MESSAGE_CONTENT') controller.abort();
      },
    });
    await llm.whenRequestAborted();
    expect(types(events)).toEqual([
      'RUN_STARTED',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'RUN_FINISHED',
    ]);
  });

  it('completes at once when the signal is already aborted, calling nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const events = await runAgentVerified(agent(), { signal: controller.signal });
    expect(types(events)).toEqual(['RUN_STARTED', 'RUN_FINISHED']);
    expect(llm.calls).toEqual([]);
  });

  it('aborts the in-flight request when the subscriber unsubscribes', async () => {
    llm.push({ text: ['Hel'], hang: true });
    const input = { threadId: 't', runId: 'r', messages: [], tools: [], context: [] };
    const run$ = agent().run({
      threadId: 't',
      runId: 'r',
      messages: [{ id: 'u', role: 'user', content: 'Hi' }],
      state: {},
      input,
      signal: new AbortController().signal,
      now: () => 0,
      generateId: () => 'm1',
    });
    // firstValueFrom unsubscribes once the first text arrives.
    await firstValueFrom(run$.pipe(filter((e) => e.type === 'text_delta')));
    await llm.whenRequestAborted();
  });

  it('is cold: each subscription makes its own request', async () => {
    llm.push({ text: ['one'] }, { text: ['two'] });
    const a = agent();
    await runAgentVerified(a);
    await runAgentVerified(a);
    expect(llm.calls).toHaveLength(2);
  });
});
