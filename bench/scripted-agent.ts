import type { Observable } from 'rxjs';
import type { AgentCapabilities } from '@ag-ui/core';
import type { Agent, AgentRunContext } from '../src/agents/agent.js';
import type { AgentEvent } from '../src/protocol/agent-event.js';
import {
  ARGS_DELTAS,
  cycleIds,
  cyclesFor,
  emitStamp,
  textDeltas,
  TOOL_NAME,
  TOOL_RESULT,
} from './event-mix.js';
import { preciseNow, requestedShape } from './run-shape.js';
import { shapedEvents } from './shaped-events.js';

/** The id the bench agent is served under by every server. */
export const BENCH_AGENT_ID = 'bench';

/**
 * The scripted agent's internal events for a run of about `events` AG-UI events: the same mix as
 * `scriptedAguiEvents` once the bridge has mapped them (it adds the opens, closes and run events).
 */
export function* scriptedAgentEvents(
  events: number,
  runId: string,
  stamp?: () => number,
): Generator<AgentEvent> {
  const cycles = cyclesFor(events);
  for (let i = 0; i < cycles; i++) {
    const { messageId, toolCallId, resultId } = cycleIds(runId, i);
    for (const delta of textDeltas(stamp)) yield { type: 'text_delta', messageId, delta };
    yield { type: 'text_end', messageId };
    yield { type: 'tool_call_start', toolCallId, toolName: TOOL_NAME, parentMessageId: messageId };
    for (const delta of ARGS_DELTAS) yield { type: 'tool_call_args', toolCallId, delta };
    yield { type: 'tool_call_end', toolCallId };
    yield { type: 'tool_result', toolCallId, content: TOOL_RESULT, messageId: resultId };
    const value = stamp ? emitStamp(stamp) : i;
    yield { type: 'state_patch', patch: [{ op: 'add', path: '/progress', value }] };
  }
}

/**
 * The bench agent: by default no think time, every event emitted in one synchronous burst, so the
 * producer is never the bottleneck; a run may ask for pacing, a hold or emit stamps (`RunShape`).
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
    run: (context: AgentRunContext): Observable<AgentEvent> => {
      const asked = requestedShape(context.input.forwardedProps);
      // `holdAfter` counts events on the wire, and the bridge sends `RUN_STARTED` itself.
      const shape = asked.holdAfter ? { ...asked, holdAfter: asked.holdAfter - 1 } : asked;
      const stamp = shape.stamp ? preciseNow : undefined;
      return shapedEvents(() => scriptedAgentEvents(shape.events, context.runId, stamp), shape);
    },
  };
}
