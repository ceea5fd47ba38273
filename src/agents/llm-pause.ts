import type { Message } from '@ag-ui/core';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { createPauseInterrupt } from '../interrupts/pause-interrupt.js';
import type { AssistantToolCall } from '../llm/chat-stream-events.js';
import type { AgentEvent } from '../protocol/agent-event.js';
import type { AgentRunContext } from './agent.js';
import { roundOutcome, runToolCalls, type ToolRound } from './llm-tool-round.js';

/** A tool round before its conversation exists (a paused turn's calls run before it is built). */
export type RoundSetup = Omit<ToolRound, 'messages'>;

/** The outcome a paused run ends with: one `paused` interrupt, and the LLM calls made so far. */
export function pausedOutcome(
  context: AgentRunContext,
  iteration: number,
  waitingCalls: AssistantToolCall[] = [],
): AgentEvent {
  const interrupt = createPauseInterrupt({ id: context.generateId(), pendingCalls: waitingCalls.length });
  return { type: 'outcome', outcome: { type: 'interrupt', interrupts: [interrupt] }, iteration };
}

/**
 * True when the round would execute a tool on the bridge (a backend tool, or an unknown name that
 * gets an error result): the safe point before it. A round of only approval-gated or frontend
 * calls executes nothing; it ends the run on its own, and a pause asked for meanwhile lapses.
 */
export function roundExecutes(calls: AssistantToolCall[], round: RoundSetup): boolean {
  return calls.some(
    (c) => !round.frontendNames.has(c.name) && round.backendByName.get(c.name)?.approval !== 'always',
  );
}

/** The calls of a paused turn the bridge handles itself (frontend ones are answered by the client). */
export function bridgeCalls(calls: AssistantToolCall[], round: RoundSetup): AssistantToolCall[] {
  return calls.filter((c) => !round.frontendNames.has(c.name));
}

/**
 * Continues a paused turn. Resolved: its waiting calls run as the tool round they would have been
 * (each once: they carry the original ids and were never executed), and their results come back
 * as messages for the conversation. Cancelled: each gets a result saying it did not run, and the
 * logical run ends with outcome cancelled without calling the model again. `ended` means the run
 * is over (cancelled, or the round stopped it for approvals or frontend results).
 */
export async function resumePausedTurn(round: RoundSetup): Promise<{ results: Message[]; ended: boolean }> {
  const { context, emit } = round;
  const paused = context.continuation?.paused;
  if (!paused) return { results: [], ended: false };
  const calls = paused.calls.map((c) => ({ id: c.toolCallId, name: c.toolName, arguments: c.args }));
  if (paused.status === 'cancelled') {
    answerUnrun(calls, round, 'was cancelled with the paused run; the tool did not run.');
    emit({ type: 'outcome', outcome: { type: 'cancelled' } });
    return { results: [], ended: true };
  }
  if (!(await paused.claim())) {
    // A continuation before this one took these calls over and died: they may have run; never twice.
    const results = answerUnrun(calls, round, 'may already have run; its result was not recorded.');
    return { results, ended: false };
  }
  const scratch: ChatCompletionMessageParam[] = [];
  const stop = await runToolCalls(calls, { ...round, messages: scratch });
  // Only `toolCallId` and `content` matter here: these feed the conversation sent to the model.
  const results = scratch.flatMap((m): Message[] =>
    m.role === 'tool'
      ? [{ id: m.tool_call_id, role: 'tool', toolCallId: m.tool_call_id, content: String(m.content) }]
      : [],
  );
  const outcome = roundOutcome(stop, context.continuation?.iteration ?? 0);
  if (outcome) emit(outcome);
  return { results, ended: outcome !== null };
}

/** Gives each call a result saying why it did not run here (`The call to <name> <why>`). */
function answerUnrun(calls: AssistantToolCall[], round: RoundSetup, why: string): Message[] {
  return calls.map((call) => {
    const content = JSON.stringify({ error: `The call to ${call.name} ${why}` });
    const messageId = round.context.generateId();
    round.emit({ type: 'tool_result', toolCallId: call.id, content, messageId });
    return { id: messageId, role: 'tool', toolCallId: call.id, content };
  });
}
