import OpenAI from 'openai';
import { Observable } from 'rxjs';
import type { AgentCapabilities, Tool } from '@ag-ui/core';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { AgentEvent } from '../protocol/agent-event.js';
import { MaxIterationsError } from '../protocol/bridge-error.js';
import type { AssistantTurn } from '../llm/chat-stream-events.js';
import { streamChatTurn } from '../llm/stream-chat-turn.js';
import { toOpenAiMessages } from '../llm/to-openai-messages.js';
import { toOpenAiTools } from '../llm/to-openai-tools.js';
import type { Agent, AgentRunContext } from './agent.js';
import { parseDuration } from './duration.js';
import type { AgentDefinition, ToolDefinition } from './agent-definition.js';
import { createHttpToolHandler } from './http-tool-handler.js';
import { bridgeCalls, pausedOutcome, resumePausedTurn, roundExecutes } from './llm-pause.js';
import { continueTurn, roundOutcome, runToolCalls, type RunSetup } from './llm-tool-round.js';

/** What an LLM agent needs from outside: the environment (keys, endpoint) and transport settings. */
export interface LlmAgentDeps {
  /** Reads `OPENAI_API_KEY`, `OPENAI_BASE_URL` and the definition's `apiKeyEnv` variable. */
  env: Record<string, string | undefined>;
  /** Per LLM request until the headers, then the longest silence between streamed chunks; default 60 s. */
  requestTimeoutMs?: number;
  /** SDK retries of a failed LLM request (connection errors, 408/409/429/5xx); default 1. */
  maxRetries?: number;
  /** Used for the LLM endpoint and the tool webhooks. */
  fetch?: typeof fetch;
}

/** Default of `LlmAgentDeps.requestTimeoutMs`. */
export const DEFAULT_LLM_REQUEST_TIMEOUT_MS = 60_000;
const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Builds an Agent that runs the definition's LLM/tool loop over an OpenAI-compatible chat-completions endpoint. */
export function createLlmAgent(definition: AgentDefinition, deps: LlmAgentDeps): Agent {
  // apiKeyEnv names the only variable this agent may use: falling back to OPENAI_API_KEY would send one vendor's key to another.
  const apiKey = definition.apiKeyEnv ? deps.env[definition.apiKeyEnv] : deps.env.OPENAI_API_KEY;
  // Passed explicitly so the SDK never reads process.env behind the injected `env`.
  const baseURL = definition.baseUrl ?? deps.env.OPENAI_BASE_URL ?? OPENAI_BASE_URL;
  const timeout = deps.requestTimeoutMs ?? DEFAULT_LLM_REQUEST_TIMEOUT_MS;
  const setup: RunSetup = {
    definition,
    // 'unset' keeps the SDK from refusing to start: keyless local endpoints (Ollama, vLLM) ignore it.
    client: new OpenAI({
      apiKey: apiKey || 'unset',
      baseURL,
      timeout,
      maxRetries: deps.maxRetries ?? 1,
      organization: null,
      project: null,
      // The SDK would write to the console, raw stream content included; failures reach the bridge's log as LlmError causes.
      logLevel: 'off',
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    }),
    provider: providerOf(baseURL),
    secrets: apiKey ? [apiKey] : [],
    idleTimeoutMs: timeout,
    handlers: new Map(
      definition.tools.map((t) => [t.name, createHttpToolHandler(t.handler, { fetch: deps.fetch })]),
    ),
  };
  return {
    id: definition.id,
    name: definition.name,
    description: definition.description,
    concurrency: definition.concurrency,
    capabilities: () => llmAgentCapabilities(definition),
    toolPolicies: () =>
      definition.tools.map((t) => ({
        name: t.name,
        approval: t.approval,
        ...(t.approvalTtl ? { approvalTtlMs: parseDuration(t.approvalTtl) } : {}),
      })),
    run: (context) => runObservable(setup, context),
  };
}

/** The AG-UI capabilities of an LLM agent: streamed text, backend and frontend tools, token usage. */
export function llmAgentCapabilities(definition: AgentDefinition): AgentCapabilities {
  return {
    identity: { name: definition.name, description: definition.description, type: 'openai-chat-completions' },
    transport: { streaming: true },
    tools: {
      supported: true,
      items: definition.tools.map(toAgUiTool),
      parallelCalls: true,
      clientProvided: true,
    },
    execution: { maxIterations: definition.maxIterations },
    // Approval-gated tools stop the run with an interrupt; resume answers it.
    ...(definition.tools.some((t) => t.approval === 'always')
      ? { humanInTheLoop: { supported: true, approvals: true, interventions: false } }
      : {}),
    custom: { tokenUsage: true },
  };
}

function runObservable(setup: RunSetup, context: AgentRunContext): Observable<AgentEvent> {
  return new Observable<AgentEvent>((subscriber) => {
    // One controller per subscription, aborted by a cancelled run or by unsubscribing: either stops the request.
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    context.signal.addEventListener('abort', abort, { once: true });
    if (context.signal.aborted) abort();
    runLoop(setup, context, controller.signal, (event) => subscriber.next(event)).then(
      () => subscriber.complete(),
      // A cancelled run ends cleanly, whatever the aborted request threw on its way out.
      (error: unknown) => (controller.signal.aborted ? subscriber.complete() : subscriber.error(error)),
    );
    return () => {
      context.signal.removeEventListener('abort', abort);
      abort();
    };
  });
}

async function runLoop(
  setup: RunSetup,
  context: AgentRunContext,
  signal: AbortSignal,
  emit: (event: AgentEvent) => void,
): Promise<void> {
  const { definition } = setup;
  // The wire allows `tools` and `context` to be absent even though the TypeScript type requires them.
  const frontendTools = context.input.tools ?? [];
  const frontendNames = new Set(frontendTools.map((t) => t.name));
  // A frontend declaration with the same name wins: the app asked to handle that tool itself in this run.
  const backendTools = definition.tools.filter((t) => !frontendNames.has(t.name));
  const tools = toOpenAiTools([...backendTools.map(toAgUiTool), ...frontendTools]);
  const backendByName = new Map(backendTools.map((t) => [t.name, t]));
  const round = { setup, context, signal, emit, backendByName, frontendNames };
  const continued = await continueTurn(setup, context, signal, emit, backendTools);
  if (signal.aborted) return;
  const carried = await resumePausedTurn(round);
  if (signal.aborted || carried.ended) return;
  const messages = toOpenAiMessages([...context.messages, ...continued, ...carried.results], {
    ...(definition.systemPrompt !== undefined ? { systemPrompt: definition.systemPrompt } : {}),
    context: context.input.context ?? [],
  });
  for (
    let iteration = context.continuation?.iteration ?? 0;
    iteration < definition.maxIterations;
    iteration++
  ) {
    if (signal.aborted) return;
    // Safe point: before an LLM call (docs/interrupts.md, "Pause and resume").
    if (context.pauseRequested?.()) {
      emit(pausedOutcome(context, iteration));
      return;
    }
    const turn = await streamChatTurn(
      setup.client,
      { model: definition.model, messages, tools },
      {
        signal,
        emit,
        messageId: context.generateId(),
        provider: setup.provider,
        idleTimeoutMs: setup.idleTimeoutMs,
        secrets: setup.secrets,
      },
    );
    if (turn === null || signal.aborted) return;
    messages.push(assistantParam(turn));
    if (turn.toolCalls.length === 0) return;
    // Safe point: before executing tools; the calls wait in the pending turn, none has started.
    if (context.pauseRequested?.() && roundExecutes(turn.toolCalls, round)) {
      emit(pausedOutcome(context, iteration + 1, bridgeCalls(turn.toolCalls, round)));
      return;
    }
    const stop = await runToolCalls(turn.toolCalls, { ...round, messages });
    if (signal.aborted) return;
    // Approvals outrank frontend calls: the run waits for people first; the frontend calls stay pending.
    const outcome = roundOutcome(stop, iteration + 1);
    if (outcome) {
      emit(outcome);
      return;
    }
  }
  throw new MaxIterationsError(definition.maxIterations);
}

function assistantParam(turn: AssistantTurn): ChatCompletionMessageParam {
  const toolCalls = turn.toolCalls.map((c) => ({
    id: c.id,
    type: 'function' as const,
    function: { name: c.name, arguments: c.arguments },
  }));
  return {
    role: 'assistant',
    // Same shape as history replayed by toOpenAiMessages: no text beside tool calls is null, not ''.
    content: turn.content === '' && toolCalls.length > 0 ? null : turn.content,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
}

function toAgUiTool(tool: ToolDefinition): Tool {
  return { name: tool.name, description: tool.description, parameters: tool.parameters };
}

/** `TokenUsage.provider`: `openai` for OpenAI itself, else the endpoint's host (OpenAI-compatible servers vary). */
function providerOf(baseURL: string): string {
  const host = URL.canParse(baseURL) ? new URL(baseURL).hostname : baseURL;
  return host === 'api.openai.com' ? 'openai' : host;
}
