import OpenAI from 'openai';
import { Observable } from 'rxjs';
import type { AgentCapabilities, Tool } from '@ag-ui/core';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { AgentEvent } from '../protocol/agent-event.js';
import { MaxIterationsError } from '../protocol/bridge-error.js';
import type { AssistantToolCall, AssistantTurn } from '../llm/chat-stream-events.js';
import { streamChatTurn } from '../llm/stream-chat-turn.js';
import { toOpenAiMessages } from '../llm/to-openai-messages.js';
import { toOpenAiTools } from '../llm/to-openai-tools.js';
import type { Agent, AgentRunContext } from './agent.js';
import type { AgentDefinition, ToolDefinition } from './agent-definition.js';
import { createHttpToolHandler, type ToolHandler } from './http-tool-handler.js';

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

interface RunSetup {
  definition: AgentDefinition;
  client: OpenAI;
  provider: string;
  secrets: string[];
  idleTimeoutMs: number;
  handlers: Map<string, ToolHandler>;
}

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
    capabilities: () => llmAgentCapabilities(definition),
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
  const messages = toOpenAiMessages(context.messages, {
    ...(definition.systemPrompt !== undefined ? { systemPrompt: definition.systemPrompt } : {}),
    context: context.input.context ?? [],
  });
  const backendByName = new Map(backendTools.map((t) => [t.name, t]));
  for (let iteration = 0; iteration < definition.maxIterations; iteration++) {
    if (signal.aborted) return;
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
    const pending = await runToolCalls(turn.toolCalls, {
      setup,
      context,
      signal,
      emit,
      messages,
      backendByName,
      frontendNames,
    });
    if (signal.aborted) return;
    if (pending.length > 0) {
      emit({ type: 'outcome', outcome: { type: 'success', pendingToolCallIds: pending } });
      return;
    }
  }
  throw new MaxIterationsError(definition.maxIterations);
}

interface ToolRound {
  setup: RunSetup;
  context: AgentRunContext;
  signal: AbortSignal;
  emit: (event: AgentEvent) => void;
  messages: ChatCompletionMessageParam[];
  backendByName: Map<string, ToolDefinition>;
  frontendNames: Set<string>;
}

/**
 * Executes the turn's direct backend calls (in parallel, results in call order) and answers calls to
 * unknown tools with an error; returns the ids of the calls left for someone else to answer.
 */
async function runToolCalls(calls: AssistantToolCall[], round: ToolRound): Promise<string[]> {
  const pending: string[] = [];
  const results: Array<{ call: AssistantToolCall; result: Promise<string> }> = [];
  for (const call of calls) {
    const tool = round.backendByName.get(call.name);
    // Frontend tools are never executed here. Approval-gated tools are reported the same way for now;
    // the interrupts work turns them into an interrupt outcome.
    if (!tool && round.frontendNames.has(call.name)) pending.push(call.id);
    else if (tool?.approval === 'always') pending.push(call.id);
    else results.push({ call, result: execute(call, tool, round) });
  }
  for (const { call, result } of results) {
    const content = await result;
    if (round.signal.aborted) return pending;
    round.emit({ type: 'tool_result', toolCallId: call.id, content, messageId: round.context.generateId() });
    round.messages.push({ role: 'tool', tool_call_id: call.id, content });
  }
  return pending;
}

function execute(
  call: AssistantToolCall,
  tool: ToolDefinition | undefined,
  round: ToolRound,
): Promise<string> {
  const handler = tool && round.setup.handlers.get(tool.name);
  // The model invented a tool name: tell it so and let it recover, rather than failing the run.
  if (!handler) return Promise.resolve(JSON.stringify({ error: `Unknown tool ${call.name}` }));
  const { threadId, runId } = round.context;
  return handler({
    toolCallId: call.id,
    threadId,
    runId,
    name: call.name,
    arguments: call.arguments,
    signal: round.signal,
  });
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
