import type { AgentEvent } from '../../src/protocol/agent-event.js';

/**
 * A long, deterministic agent script mixing every kind of event (text, backend tool calls with
 * results, state snapshot and patches, steps, custom), drawn from `random` (a seeded PRNG).
 */
export function mixedScript(random: { int(min: number, max: number): number }, length: number): AgentEvent[] {
  const events: AgentEvent[] = [{ type: 'state_snapshot', state: { counter: 0 } }];
  let textId: string | undefined;
  for (let i = 0; events.length < length; i++) {
    const pick = random.int(0, 9);
    if (pick < 5) {
      textId ??= `msg-${i}`;
      events.push({ type: 'text_delta', messageId: textId, delta: `word${i} ` });
      continue;
    }
    textId = undefined;
    if (pick < 7) {
      const toolCallId = `call-${i}`;
      events.push(
        { type: 'tool_call_start', toolCallId, toolName: 'lookup' },
        { type: 'tool_call_args', toolCallId, delta: '{"q":' },
        { type: 'tool_call_args', toolCallId, delta: `${i}}` },
        { type: 'tool_call_end', toolCallId },
        { type: 'tool_result', toolCallId, content: `result ${i}` },
      );
    } else if (pick < 9) {
      events.push({ type: 'state_patch', patch: [{ op: 'replace', path: '/counter', value: i }] });
    } else {
      events.push(
        { type: 'step_start', stepName: `step-${i}` },
        { type: 'custom', name: 'progress', value: i },
        { type: 'step_end', stepName: `step-${i}` },
      );
    }
  }
  return events;
}
