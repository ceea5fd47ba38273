import type { Interrupt, Message } from '@ag-ui/core';
import type OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { createToolApprovalInterrupt } from '../interrupts/tool-approval-interrupt.js';
import { notExecutedResult } from '../interrupts/tool-decision.js';
import type { AssistantToolCall } from '../llm/chat-stream-events.js';
import type { AgentEvent } from '../protocol/agent-event.js';
import type { AgentRunContext } from './agent.js';
import type { AgentDefinition, ToolDefinition } from './agent-definition.js';
import { parseDuration } from './duration.js';
import type { ToolHandler } from './http-tool-handler.js';

/** What every run of one LLM agent shares: its definition, SDK client and tool handlers. */
export interface RunSetup {
  definition: AgentDefinition;
  client: OpenAI;
  provider: string;
  secrets: string[];
  idleTimeoutMs: number;
  handlers: Map<string, ToolHandler>;
}

/** One turn's tool round. */
export interface ToolRound {
  setup: RunSetup;
  context: AgentRunContext;
  signal: AbortSignal;
  emit: (event: AgentEvent) => void;
  messages: ChatCompletionMessageParam[];
  backendByName: Map<string, ToolDefinition>;
  frontendNames: Set<string>;
}

/** Why a turn's tool round stops the run: calls left to the frontend, approvals to ask for. */
export interface RoundStop {
  pending: string[];
  interrupts: Interrupt[];
}

/**
 * Executes the turn's direct backend calls (in parallel, results in call order) and answers calls to
 * unknown tools with an error. Frontend calls are left pending; approval-gated calls become interrupts.
 */
export async function runToolCalls(calls: AssistantToolCall[], round: ToolRound): Promise<RoundStop> {
  const stop: RoundStop = { pending: [], interrupts: [] };
  const results: Array<{ call: AssistantToolCall; result: Promise<string> }> = [];
  const { context } = round;
  for (const call of calls) {
    const tool = round.backendByName.get(call.name);
    if (!tool && round.frontendNames.has(call.name)) stop.pending.push(call.id);
    else if (tool?.approval === 'always') {
      stop.interrupts.push(
        createToolApprovalInterrupt({
          id: context.generateId(),
          toolCallId: call.id,
          toolName: call.name,
          args: call.arguments,
          now: context.now(),
          ...(tool.approvalTtl ? { ttlMs: parseDuration(tool.approvalTtl) } : {}),
        }),
      );
    } else results.push({ call, result: execute(call, tool, round) });
  }
  for (const { call, result } of results) {
    const content = await result;
    if (round.signal.aborted) return stop;
    round.emit({ type: 'tool_result', toolCallId: call.id, content, messageId: context.generateId() });
    round.messages.push({ role: 'tool', tool_call_id: call.id, content });
  }
  return stop;
}

/** How a round ends the run, if it does: approvals first (frontend calls stay pending), then frontend results. */
export function roundOutcome(stop: RoundStop, iteration: number): AgentEvent | null {
  if (stop.interrupts.length > 0) {
    return { type: 'outcome', outcome: { type: 'interrupt', interrupts: stop.interrupts }, iteration };
  }
  if (stop.pending.length > 0) {
    return { type: 'outcome', outcome: { type: 'success', pendingToolCallIds: stop.pending }, iteration };
  }
  return null;
}

/**
 * Continues an interrupted turn: approved calls run (at most once, with the approver's arguments),
 * the others get a result telling the model why they did not; returns those results as messages.
 */
export async function continueTurn(
  setup: RunSetup,
  context: AgentRunContext,
  signal: AbortSignal,
  emit: (event: AgentEvent) => void,
  backendTools: ToolDefinition[],
): Promise<Message[]> {
  const results: Message[] = [];
  for (const decision of context.continuation?.decisions ?? []) {
    const tool = backendTools.find((t) => t.name === decision.toolName);
    const call = { id: decision.toolCallId, name: decision.toolName, arguments: decision.args };
    const round = { setup, context, signal };
    const content =
      decision.decision === 'approved'
        ? await context.continuation!.executeOnce(decision, () => execute(call, tool, round))
        : notExecutedResult(decision);
    if (signal.aborted) return results;
    const messageId = context.generateId();
    emit({ type: 'tool_result', toolCallId: decision.toolCallId, content, messageId });
    results.push({ id: messageId, role: 'tool', toolCallId: decision.toolCallId, content });
  }
  return results;
}

function execute(
  call: AssistantToolCall,
  tool: ToolDefinition | undefined,
  round: Pick<ToolRound, 'setup' | 'context' | 'signal'>,
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
