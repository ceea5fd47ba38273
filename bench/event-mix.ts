import { EventType, type BaseEvent, type Message } from '@ag-ui/core';

/**
 * The fixed event mix every server under test streams, as AG-UI events on the wire. One cycle is
 * a text message (start, 4 deltas, end), a tool call (start, 2 argument deltas, end, result) and a
 * state delta: 12 events; a run is `RUN_STARTED`, whole cycles, `RUN_FINISHED`.
 */
export const EVENTS_PER_CYCLE = 12;

/** Text pieces of one message: short, like LLM tokens. */
export const TEXT_DELTAS = ['The order ', 'is on its ', 'way and should ', 'arrive soon. '] as const;
/** Argument pieces of one tool call (together one JSON object). */
export const ARGS_DELTAS = ['{"orderId":', '"A-1042"}'] as const;
/** The tool's result. */
export const TOOL_RESULT = '{"status":"shipped","eta":"2 days"}';
/** The backend tool the scripted agent calls. */
export const TOOL_NAME = 'lookup_order';

/** Whole cycles in a run asked to have about `events` events (at least one). */
export function cyclesFor(events: number): number {
  return Math.max(1, Math.round((events - 2) / EVENTS_PER_CYCLE));
}

/** Events a run asked for `events` really has on the wire. */
export function eventsOnWire(events: number): number {
  return 2 + EVENTS_PER_CYCLE * cyclesFor(events);
}

/** Ids of cycle `i` of a run: unique per run, because message ids are unique in the bridge's store. */
export function cycleIds(
  runId: string,
  i: number,
): { messageId: string; toolCallId: string; resultId: string } {
  return { messageId: `${runId}-m${i}`, toolCallId: `${runId}-t${i}`, resultId: `${runId}-r${i}` };
}

/**
 * The messages a run of the mix leaves in its thread's conversation, as an AG-UI client builds
 * them from the run's events and sends them back with the next run: per cycle, the assistant's
 * message with its tool call, and the tool's result.
 */
export function runMessages(runId: string, events: number): Message[] {
  const messages: Message[] = [];
  for (let i = 0; i < cyclesFor(events); i++) {
    const { messageId, toolCallId, resultId } = cycleIds(runId, i);
    messages.push(
      {
        id: messageId,
        role: 'assistant',
        content: TEXT_DELTAS.join(''),
        toolCalls: [
          {
            id: toolCallId,
            type: 'function',
            function: { name: TOOL_NAME, arguments: ARGS_DELTAS.join('') },
          },
        ],
      },
      { id: resultId, role: 'tool', toolCallId, content: TOOL_RESULT },
    );
  }
  return messages;
}

/**
 * With `stamp`, the text deltas and the state delta's value carry the emit time instead of the
 * mix's text (5 events of each 12): `emit@<epoch ms with decimals>`. AG-UI's `timestamp` must be
 * an integer of milliseconds, too coarse for latencies around a millisecond.
 */
export function emitStamp(stamp: () => number): string {
  return `emit@${stamp().toFixed(3)} `;
}

/** A cycle's text deltas: the mix's, or emit stamps taken as each is pulled. */
export function* textDeltas(stamp?: () => number): Generator<string> {
  for (const delta of TEXT_DELTAS) yield stamp ? emitStamp(stamp) : delta;
}

/**
 * The mix as a hand-written AG-UI server emits it: AG-UI events built directly, with timestamps,
 * as the bridge's mapping would produce them from the scripted agent's internal events.
 */
export function* scriptedAguiEvents(options: {
  events: number;
  threadId: string;
  runId: string;
  now: () => number;
  stamp?: () => number;
}): Generator<BaseEvent> {
  const { threadId, runId, now } = options;
  yield { type: EventType.RUN_STARTED, threadId, runId, timestamp: now() } as BaseEvent;
  const cycles = cyclesFor(options.events);
  for (let i = 0; i < cycles; i++) {
    const { messageId, toolCallId, resultId } = cycleIds(runId, i);
    yield { type: EventType.TEXT_MESSAGE_START, messageId, role: 'assistant', timestamp: now() } as BaseEvent;
    for (const delta of textDeltas(options.stamp))
      yield { type: EventType.TEXT_MESSAGE_CONTENT, messageId, delta, timestamp: now() } as BaseEvent;
    yield { type: EventType.TEXT_MESSAGE_END, messageId, timestamp: now() } as BaseEvent;
    yield {
      type: EventType.TOOL_CALL_START,
      toolCallId,
      toolCallName: TOOL_NAME,
      parentMessageId: messageId,
      timestamp: now(),
    } as BaseEvent;
    for (const delta of ARGS_DELTAS)
      yield { type: EventType.TOOL_CALL_ARGS, toolCallId, delta, timestamp: now() } as BaseEvent;
    yield { type: EventType.TOOL_CALL_END, toolCallId, timestamp: now() } as BaseEvent;
    yield {
      type: EventType.TOOL_CALL_RESULT,
      messageId: resultId,
      toolCallId,
      content: TOOL_RESULT,
      role: 'tool',
      timestamp: now(),
    } as BaseEvent;
    yield {
      type: EventType.STATE_DELTA,
      delta: [{ op: 'add', path: '/progress', value: options.stamp ? emitStamp(options.stamp) : i }],
      timestamp: now(),
    } as BaseEvent;
  }
  yield { type: EventType.RUN_FINISHED, threadId, runId, timestamp: now() } as BaseEvent;
}
