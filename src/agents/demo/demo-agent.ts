import { from, type Observable } from 'rxjs';
import type { AgentCapabilities } from '@ag-ui/core';
import type { AgentEvent } from '../../protocol/agent-event.js';
import type { Agent, AgentRunContext } from '../agent.js';
import {
  approvalContinuation,
  frontendResultScenario,
  frontendToolScenario,
  REFUND_APPROVAL_TTL_MS,
  REFUND_ORDER_TOOL,
  refundScenario,
  trailingToolResults,
} from './demo-scenarios.js';
import { lastUserText } from './last-user-text.js';

/** Options of the built-in demo agent. */
export interface DemoAgentOptions {
  /** Pause between streamed pieces, so a person can watch it stream; 0 in tests. */
  delayMs?: number;
}

const DESCRIPTION =
  'Built-in deterministic agent (no LLM): streams text, runs a backend tool, updates state with ' +
  'snapshots and JSON-Patch deltas, reports steps; ask for a "refund" to get an approval interrupt, ' +
  'for a "frontend" tool to have it call your first declared tool, or for an "error".';

/** The built-in `demo` agent: exercises every event kind without an LLM or a key. */
export function createDemoAgent(options: DemoAgentOptions = {}): Agent {
  const delayMs = options.delayMs ?? 0;
  return {
    id: 'demo',
    name: 'Demo',
    description: DESCRIPTION,
    capabilities: demoCapabilities,
    toolPolicies: () => [
      { name: ROLL_DICE_TOOL.name, approval: 'never' },
      { name: REFUND_ORDER_TOOL.name, approval: 'always', approvalTtlMs: REFUND_APPROVAL_TTL_MS },
    ],
    run: (context): Observable<AgentEvent> => from(demoScript(context, delayMs)),
  };
}

function demoCapabilities(): AgentCapabilities {
  return {
    identity: { name: 'demo', type: 'demo', description: DESCRIPTION },
    transport: { streaming: true },
    tools: { supported: true, items: [ROLL_DICE_TOOL, REFUND_ORDER_TOOL], clientProvided: true },
    humanInTheLoop: { supported: true, approvals: true, interventions: false },
    state: { snapshots: true, deltas: true },
    output: { structuredOutput: false },
  } as AgentCapabilities;
}

const ROLL_DICE_TOOL = {
  name: 'roll_dice',
  description: 'Rolls a die deterministically from the question text',
  parameters: { type: 'object', properties: { sides: { type: 'number' } }, required: ['sides'] },
};

async function* demoScript(context: AgentRunContext, delayMs: number): AsyncGenerator<AgentEvent> {
  if (context.continuation && context.continuation.decisions.length > 0) {
    yield* approvalContinuation(context);
    return;
  }
  const answers = trailingToolResults(context);
  if (answers.length > 0) {
    yield* frontendResultScenario(context, answers);
    return;
  }
  const asked = lastUserText(context.messages);
  if (/\brefund\b/i.test(asked)) {
    yield* refundScenario(context);
    return;
  }
  if (/\bfrontend\b/i.test(asked)) {
    yield* frontendToolScenario(context);
    return;
  }
  yield* diceScript(context, delayMs);
}

async function* diceScript(context: AgentRunContext, delayMs: number): AsyncGenerator<AgentEvent> {
  const pause = () => (delayMs > 0 ? new Promise((r) => setTimeout(r, delayMs)) : Promise.resolve());
  const question = lastUserText(context.messages);
  const turn = countTurns(context.state) + 1;
  const replyId = context.generateId();

  yield { type: 'step_start', stepName: 'understand' };
  yield { type: 'state_snapshot', state: { turn, lastQuestion: question, rolls: [], lastRoll: null } };
  yield { type: 'step_end', stepName: 'understand' };
  await pause();

  if (/\berror\b/i.test(question)) {
    yield { type: 'text_delta', messageId: replyId, delta: 'You asked for an error, ' };
    yield { type: 'text_delta', messageId: replyId, delta: 'so this run fails now.' };
    yield { type: 'error', code: 'INTERNAL_ERROR', message: 'The demo agent failed on request' };
    return;
  }

  yield { type: 'step_start', stepName: 'answer' };
  for (const word of `Turn ${turn}: you said "${question}". Let me roll a die for you.`.split(/(?<= )/)) {
    yield { type: 'text_delta', messageId: replyId, delta: word };
    await pause();
  }
  const toolCallId = context.generateId();
  const roll = (hash(question) % 6) + 1;
  yield { type: 'tool_call_start', toolCallId, toolName: 'roll_dice', parentMessageId: replyId };
  yield { type: 'tool_call_args', toolCallId, delta: '{"sides":' };
  yield { type: 'tool_call_args', toolCallId, delta: '6}' };
  yield { type: 'tool_call_end', toolCallId };
  await pause();
  yield {
    type: 'tool_result',
    toolCallId,
    messageId: context.generateId(),
    content: JSON.stringify({ roll }),
  };
  yield { type: 'state_patch', patch: [{ op: 'add', path: '/rolls/-', value: roll }] };
  yield { type: 'state_patch', patch: [{ op: 'replace', path: '/lastRoll', value: roll }] };
  yield { type: 'text_delta', messageId: context.generateId(), delta: `The die shows ${roll}.` };
  yield { type: 'step_end', stepName: 'answer' };
  yield {
    type: 'usage',
    usage: { provider: 'demo', model: 'demo', inputTokens: 0, outputTokens: 0, totalTokens: 0 },
  };
}

function countTurns(state: unknown): number {
  const turn = (state as { turn?: unknown } | null)?.turn;
  return typeof turn === 'number' ? turn : 0;
}

function hash(text: string): number {
  let h = 7;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}
