import { from, type Observable } from 'rxjs';
import type { AgentCapabilities } from '@ag-ui/core';
import type { Agent, AgentRunContext } from '../src/agents/agent.js';
import type { AgentEvent } from '../src/protocol/agent-event.js';
import { ARGS_DELTAS, cycleIds, cyclesFor, TEXT_DELTAS, TOOL_NAME, TOOL_RESULT } from './event-mix.js';

/** The id the bench agent is served under by every server. */
export const BENCH_AGENT_ID = 'bench';

/** Events per run when the request does not say (`forwardedProps.benchEvents`). */
const DEFAULT_EVENTS = 1000;

/**
 * The scripted agent's internal events for a run of about `events` AG-UI events: the same mix as
 * `scriptedAguiEvents` once the bridge has mapped them (it adds the opens, closes and run events).
 */
export function* scriptedAgentEvents(events: number, runId: string): Generator<AgentEvent> {
  const cycles = cyclesFor(events);
  for (let i = 0; i < cycles; i++) {
    const { messageId, toolCallId, resultId } = cycleIds(runId, i);
    for (const delta of TEXT_DELTAS) yield { type: 'text_delta', messageId, delta };
    yield { type: 'text_end', messageId };
    yield { type: 'tool_call_start', toolCallId, toolName: TOOL_NAME, parentMessageId: messageId };
    for (const delta of ARGS_DELTAS) yield { type: 'tool_call_args', toolCallId, delta };
    yield { type: 'tool_call_end', toolCallId };
    yield { type: 'tool_result', toolCallId, content: TOOL_RESULT, messageId: resultId };
    yield { type: 'state_patch', patch: [{ op: 'add', path: '/progress', value: i }] };
  }
}

/** Events a run asks for, from `forwardedProps.benchEvents` (bounded: a bench run is never endless). */
export function requestedEvents(forwardedProps: unknown): number {
  const value = (forwardedProps as { benchEvents?: unknown } | undefined)?.benchEvents;
  return typeof value === 'number' && Number.isInteger(value) && value > 0
    ? Math.min(value, 1_000_000)
    : DEFAULT_EVENTS;
}

/**
 * The bench agent: no think time, every event emitted in one synchronous burst (`from` over a
 * generator), so the producer is never the bottleneck.
 */
export function createScriptedAgent(): Agent {
  return {
    id: BENCH_AGENT_ID,
    name: 'Bench',
    description: 'Scripted benchmark agent: a fixed mix of text, tool calls and state deltas',
    capabilities: () =>
      ({
        transport: { streaming: true },
        state: { snapshots: true, deltas: true },
      }) as AgentCapabilities,
    toolPolicies: () => [{ name: TOOL_NAME, approval: 'never' }],
    run: (context: AgentRunContext): Observable<AgentEvent> =>
      from(scriptedAgentEvents(requestedEvents(context.input.forwardedProps), context.runId)),
  };
}
