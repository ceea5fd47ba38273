import type { ToolMessage } from '@ag-ui/core';
import { createToolApprovalInterrupt } from '../../interrupts/tool-approval-interrupt.js';
import { notExecutedResult } from '../../interrupts/tool-decision.js';
import type { AgentEvent } from '../../protocol/agent-event.js';
import type { AgentRunContext } from '../agent.js';

/** The demo's approval-gated backend tool. */
export const REFUND_ORDER_TOOL = {
  name: 'refund_order',
  description: 'Refunds an order (needs a person to approve it)',
  parameters: {
    type: 'object',
    properties: { orderId: { type: 'string' }, amount: { type: 'number' } },
    required: ['orderId', 'amount'],
  },
};

/** How long the demo's refund approvals stay answerable. */
export const REFUND_APPROVAL_TTL_MS = 15 * 60 * 1000;

/** Streams a tool call's start, arguments and end. */
function* toolCall(
  toolCallId: string,
  toolName: string,
  args: string,
  parentMessageId: string,
): Generator<AgentEvent> {
  yield { type: 'tool_call_start', toolCallId, toolName, parentMessageId };
  yield { type: 'tool_call_args', toolCallId, delta: args };
  yield { type: 'tool_call_end', toolCallId };
}

/** Asks for approval to refund an order: the run ends with a `tool_approval` interrupt. */
export function* refundScenario(context: AgentRunContext): Generator<AgentEvent> {
  const messageId = context.generateId();
  const toolCallId = context.generateId();
  const args = JSON.stringify({ orderId: '42', amount: 20 });
  yield { type: 'text_delta', messageId, delta: 'Refunding order 42 needs approval; I have asked for it.' };
  yield* toolCall(toolCallId, REFUND_ORDER_TOOL.name, args, messageId);
  const interrupt = createToolApprovalInterrupt({
    id: context.generateId(),
    toolCallId,
    toolName: REFUND_ORDER_TOOL.name,
    args,
    now: context.now(),
    ttlMs: REFUND_APPROVAL_TTL_MS,
  });
  yield { type: 'outcome', outcome: { type: 'interrupt', interrupts: [interrupt] }, iteration: 1 };
}

/** Calls the first frontend tool the client declared; the run ends waiting for its result. */
export function* frontendToolScenario(context: AgentRunContext): Generator<AgentEvent> {
  const messageId = context.generateId();
  const tool = (context.input.tools ?? [])[0];
  if (!tool) {
    yield { type: 'text_delta', messageId, delta: 'Declare a frontend tool in the run input and ask again.' };
    return;
  }
  const toolCallId = context.generateId();
  yield { type: 'text_delta', messageId, delta: `Asking your app to run ${tool.name}.` };
  yield* toolCall(toolCallId, tool.name, JSON.stringify({ message: 'Hello from the demo agent' }), messageId);
  yield { type: 'outcome', outcome: { type: 'success', pendingToolCallIds: [toolCallId] }, iteration: 1 };
}

/** Continues after approvals: an approved refund runs once, a refused one is reported. */
export async function* approvalContinuation(context: AgentRunContext): AsyncGenerator<AgentEvent> {
  for (const decision of context.continuation?.decisions ?? []) {
    const content =
      decision.decision === 'approved'
        ? await context.continuation!.executeOnce(decision, async () =>
            JSON.stringify({ refunded: true, ...(JSON.parse(decision.args || '{}') as object) }),
          )
        : notExecutedResult(decision);
    yield { type: 'tool_result', toolCallId: decision.toolCallId, messageId: context.generateId(), content };
    const text =
      decision.decision === 'approved'
        ? `Done: ${content}`
        : `The refund did not happen (${decision.decision}${decision.comment ? `: ${decision.comment}` : ''}).`;
    yield { type: 'text_delta', messageId: context.generateId(), delta: text };
  }
}

/** Acknowledges the frontend tool results the client sent back. */
export function* frontendResultScenario(
  context: AgentRunContext,
  results: ToolMessage[],
): Generator<AgentEvent> {
  const messageId = context.generateId();
  for (const result of results) {
    yield {
      type: 'text_delta',
      messageId,
      delta: `Your app answered ${result.toolCallId}: ${result.content} `,
    };
  }
}

/** Tool results at the end of the conversation: the answers to this agent's last frontend calls. */
export function trailingToolResults(context: AgentRunContext): ToolMessage[] {
  const results: ToolMessage[] = [];
  for (let i = context.messages.length - 1; i >= 0; i--) {
    const message = context.messages[i];
    if (message?.role !== 'tool') break;
    results.unshift(message);
  }
  return results;
}
