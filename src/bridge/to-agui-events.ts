import { defer, EMPTY, Observable, Subscription, type Subscriber } from 'rxjs';
import {
  aggregateTokenUsage,
  EventType,
  type BaseEvent,
  type RunFinishedOutcome,
  type TokenUsage,
} from '@ag-ui/core';
import type { AgentEvent } from '../protocol/agent-event.js';
import { BridgeError, InternalError, toBridgeError } from '../protocol/bridge-error.js';

/** What `toAguiEvents` needs besides the agent's events. */
export interface ToAguiEventsOptions {
  threadId: string;
  runId: string;
  now: () => number;
  generateId: () => string;
  /**
   * Emits once to end the run early: the agent is unsubscribed and the run ends with outcome
   * cancelled, or with RUN_ERROR when the value emitted is an Error.
   */
  cancel$?: Observable<unknown>;
  /** Extra fields for `RUN_STARTED` (e.g. `parentRunId`). */
  runStarted?: Record<string, unknown>;
}

/**
 * Maps internal agent events to a valid AG-UI 1.0 stream: `RUN_STARTED` first; text messages and
 * tool calls opened, streamed and closed in order; everything open closed before the end; exactly
 * one `RUN_FINISHED` or `RUN_ERROR`, whatever the agent does (throws, never closes, keeps emitting).
 */
export const toAguiEvents =
  (options: ToAguiEventsOptions) =>
  (agent$: Observable<AgentEvent>): Observable<BaseEvent> =>
    defer(() => new Observable<BaseEvent>((subscriber) => runMapping(options, agent$, subscriber)));

interface MappingState {
  textId: string | null;
  openToolCalls: Set<string>;
  closedToolCalls: Set<string>;
  openSteps: string[];
  usage: TokenUsage[];
  outcome: RunFinishedOutcome | undefined;
  result: unknown;
  done: boolean;
}

function runMapping(
  options: ToAguiEventsOptions,
  agent$: Observable<AgentEvent>,
  subscriber: Subscriber<BaseEvent>,
): () => void {
  const { threadId, runId, now, generateId } = options;
  const state: MappingState = {
    textId: null,
    openToolCalls: new Set(),
    closedToolCalls: new Set(),
    openSteps: [],
    usage: [],
    outcome: undefined,
    result: undefined,
    done: false,
  };
  // Teardown is collected here; `add` after `unsubscribe` tears down at once, which covers an agent
  // or a cancel signal that ends the run synchronously while being subscribed.
  const subscriptions = new Subscription();
  // Every event is a literal built here for this call: stamped in place, not copied.
  const emit = (event: Record<string, unknown> & { type: EventType }): void => {
    event.timestamp = now();
    subscriber.next(event as BaseEvent);
  };
  const closeOpen = (): void => {
    closeText(state, emit);
    for (const id of state.openToolCalls) {
      emit({ type: EventType.TOOL_CALL_END, toolCallId: id });
      state.closedToolCalls.add(id);
    }
    state.openToolCalls.clear();
    while (state.openSteps.length > 0)
      emit({ type: EventType.STEP_FINISHED, stepName: state.openSteps.pop() });
  };
  const usage = (): { usage?: TokenUsage[] } =>
    state.usage.length > 0 ? { usage: aggregateTokenUsage(state.usage) } : {};
  const finish = (outcome: RunFinishedOutcome | undefined): void => {
    if (state.done) return;
    state.done = true;
    closeOpen();
    const result = state.result === undefined ? {} : { result: state.result };
    emit({
      type: EventType.RUN_FINISHED,
      threadId,
      runId,
      ...(outcome ? { outcome } : {}),
      ...result,
      ...usage(),
    });
    stop();
  };
  const fail = (error: unknown): void => {
    if (state.done) return;
    state.done = true;
    closeOpen();
    const bridgeError = toBridgeError(error);
    // Unknown errors carry a generic message: details belong in the log, never on the wire.
    emit({ type: EventType.RUN_ERROR, code: bridgeError.code, message: bridgeError.message, ...usage() });
    stop();
  };
  const stop = (): void => {
    subscriptions.unsubscribe();
    subscriber.complete();
  };

  emit({ type: EventType.RUN_STARTED, threadId, runId, ...options.runStarted });
  subscriptions.add(
    (options.cancel$ ?? EMPTY).subscribe((reason) =>
      reason instanceof Error ? fail(reason) : finish({ type: 'cancelled' }),
    ),
  );
  if (state.done) return () => undefined;
  subscriptions.add(
    agent$.subscribe({
      next: (event) => {
        if (state.done) return;
        try {
          mapEvent(event, state, emit, generateId);
        } catch (error) {
          fail(error);
        }
      },
      error: (error: unknown) => fail(error),
      complete: () => finish(state.outcome),
    }),
  );
  return () => subscriptions.unsubscribe();
}

type Emit = (event: Record<string, unknown> & { type: EventType }) => void;

function closeText(state: MappingState, emit: Emit): void {
  if (state.textId === null) return;
  emit({ type: EventType.TEXT_MESSAGE_END, messageId: state.textId });
  state.textId = null;
}

function mapEvent(event: AgentEvent, state: MappingState, emit: Emit, generateId: () => string): void {
  switch (event.type) {
    case 'text_delta': {
      if (event.delta.length === 0) return; // AG-UI forbids empty content deltas
      const id = event.messageId ?? state.textId ?? generateId();
      if (state.textId !== id) {
        closeText(state, emit);
        emit({ type: EventType.TEXT_MESSAGE_START, messageId: id, role: 'assistant' });
        state.textId = id;
      }
      emit({ type: EventType.TEXT_MESSAGE_CONTENT, messageId: id, delta: event.delta });
      return;
    }
    case 'text_end':
      closeText(state, emit);
      return;
    case 'tool_call_start': {
      if (state.openToolCalls.has(event.toolCallId) || state.closedToolCalls.has(event.toolCallId)) {
        throw new InternalError(`Agent started tool call ${event.toolCallId} twice`);
      }
      closeText(state, emit);
      state.openToolCalls.add(event.toolCallId);
      emit({
        type: EventType.TOOL_CALL_START,
        toolCallId: event.toolCallId,
        toolCallName: event.toolName,
        ...(event.parentMessageId ? { parentMessageId: event.parentMessageId } : {}),
      });
      return;
    }
    case 'tool_call_args':
      if (!state.openToolCalls.has(event.toolCallId)) {
        throw new InternalError(`Agent sent arguments for tool call ${event.toolCallId}, which is not open`);
      }
      if (event.delta.length > 0)
        emit({ type: EventType.TOOL_CALL_ARGS, toolCallId: event.toolCallId, delta: event.delta });
      return;
    case 'tool_call_end':
      endToolCall(state, emit, event.toolCallId);
      return;
    case 'tool_result':
      if (state.openToolCalls.has(event.toolCallId)) endToolCall(state, emit, event.toolCallId);
      closeText(state, emit);
      emit({
        type: EventType.TOOL_CALL_RESULT,
        messageId: event.messageId ?? generateId(),
        toolCallId: event.toolCallId,
        content: event.content,
        role: 'tool',
      });
      return;
    default:
      mapOther(event, state, emit);
  }
}

function endToolCall(state: MappingState, emit: Emit, toolCallId: string): void {
  if (!state.openToolCalls.has(toolCallId)) {
    throw new InternalError(`Agent ended tool call ${toolCallId}, which is not open`);
  }
  state.openToolCalls.delete(toolCallId);
  state.closedToolCalls.add(toolCallId);
  emit({ type: EventType.TOOL_CALL_END, toolCallId });
}

function mapOther(
  event: Exclude<AgentEvent, { type: 'text_delta' | 'text_end' | `tool_${string}` }>,
  state: MappingState,
  emit: Emit,
): void {
  switch (event.type) {
    case 'state_snapshot':
      emit({ type: EventType.STATE_SNAPSHOT, snapshot: event.state });
      return;
    case 'state_patch':
      emit({ type: EventType.STATE_DELTA, delta: event.patch });
      return;
    case 'step_start':
      if (state.openSteps.includes(event.stepName))
        throw new InternalError(`Step ${event.stepName} started twice`);
      state.openSteps.push(event.stepName);
      emit({ type: EventType.STEP_STARTED, stepName: event.stepName });
      return;
    case 'step_end': {
      const index = state.openSteps.lastIndexOf(event.stepName);
      if (index === -1) throw new InternalError(`Step ${event.stepName} ended without starting`);
      state.openSteps.splice(index, 1);
      emit({ type: EventType.STEP_FINISHED, stepName: event.stepName });
      return;
    }
    case 'usage':
      state.usage.push(event.usage);
      return;
    case 'llm_call':
      // Telemetry for the run's metrics (src/runs): nothing reaches the client.
      return;
    case 'custom':
      emit({ type: EventType.CUSTOM, name: event.name, value: event.value });
      return;
    case 'outcome':
      state.outcome = event.outcome;
      state.result = event.result;
      return;
    case 'error':
      throw new BridgeError(event.code, 500, event.message);
  }
}
