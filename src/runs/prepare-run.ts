import { defer, finalize, ReplaySubject, tap } from 'rxjs';
import type { BaseEvent, Message } from '@ag-ui/core';
import type { Agent } from '../agents/agent.js';
import { createMessageAccumulator } from '../bridge/message-accumulator.js';
import { createStateTracker } from '../bridge/state-tracker.js';
import { toAguiEvents } from '../bridge/to-agui-events.js';
import { NotFoundError } from '../protocol/bridge-error.js';
import { EventSequenceError } from '../store/event-batches.js';
import { createThreadSnapshot } from '../protocol/thread-snapshot.js';
import { auditRefusals } from './audit-refusals.js';
import { buildContinuation } from './build-continuation.js';
import { checkAnswers } from './check-answers.js';
import { recordTurn } from './pending-turn.js';
import { persistEvents, type SequencedEvent } from './persist-events.js';
import { NO_RUN_METRICS } from './run-metrics.js';
import { isTerminal, readRunEnding } from './run-outcome.js';
import { createUsageMeter } from './usage-meter.js';
import type { RunHandle, RunServiceDeps, StartRunRequest } from './run-service.js';

/**
 * Checks a run's answers, records its start and builds its pipeline (agent → AG-UI mapping →
 * accumulators → group-committed log → run end), cold until subscribed. `free` releases the
 * thread when the pipeline closes.
 */
export async function prepareRun(
  deps: RunServiceDeps,
  agent: Agent,
  request: StartRunRequest,
  free: () => void,
): Promise<RunHandle> {
  const { store, now, generateId, logger } = deps;
  const { input, tenantId } = request;
  const { threadId, runId } = input;
  const existing = await store.threads.get(threadId);
  if (existing && existing.tenantId !== tenantId) {
    throw new NotFoundError('THREAD_NOT_FOUND', `No thread with id "${threadId}"`);
  }
  // The stored history is read only when the input carries none (AG-UI clients send the whole
  // conversation): a run's start must not cost more as its thread grows.
  const storedMessages =
    existing && input.messages.length === 0 ? await store.threads.messages(threadId) : [];
  const pendingTurn = existing?.snapshot.pending ?? null;
  const audit = { tenantId, actor: request.actor ?? tenantId, action: 'run', target: threadId };
  await auditRefusals(store.interrupts, audit, now, async () => {
    const at = new Date(now());
    const checked = await checkAnswers({
      threadId,
      input,
      storedMessages: async () => (existing ? await store.threads.messages(threadId) : []),
      pendingTurn,
      interrupts: store.interrupts,
      now: at,
      actor: audit.actor,
    });
    if (checked.resolutions.length > 0) await store.interrupts.resolve(checked.resolutions);
    await store.interrupts.answerToolCalls(threadId, checked.answeredToolCallIds, at);
  });
  const lastSeq = await store.events.lastSeq(threadId);
  await store.threads.beginRun({
    threadId,
    tenantId,
    agentId: agent.id,
    runId,
    input,
    startedAt: new Date(now()),
    agentVersion: agent.version ?? null,
    messages: input.messages,
  });
  const messages = input.messages.length > 0 ? input.messages : storedMessages;
  const state = hasState(input.state) ? input.state : (existing?.snapshot.state ?? {});
  const continuation = pendingTurn
    ? await buildContinuation(threadId, pendingTurn, store.interrupts, now)
    : undefined;

  const metrics = deps.metrics ?? NO_RUN_METRICS;
  let startedAt = now();
  const cancel$ = new ReplaySubject<Error | undefined>(1);
  const abort = new AbortController();
  const cancel = (reason?: Error) => {
    cancel$.next(reason);
    abort.abort();
  };
  // Read by the agent at its safe points; set at most once, so pausing twice pauses once.
  let pauseRequested = false;
  const runLog = logger.child({ threadId, runId, agentId: agent.id });
  const accumulator = createMessageAccumulator(assistantMessages(messages));
  const tracker = createStateTracker(state, (error) =>
    runLog.warn({ err: error }, 'state patch did not apply'),
  );
  const meter = createUsageMeter({
    usage: store.usage,
    prices: deps.prices,
    metrics,
    logger: runLog,
    now,
    run: { tenantId, threadId, runId, agentId: agent.id },
  });
  let terminal: BaseEvent | undefined;
  let iteration = continuation?.iteration ?? 0;
  let subscribed = false;

  const context = { threadId, runId, messages, state, input, signal: abort.signal, now, generateId };
  // Calls a paused turn had not run yet: this run executes them, so they are part of its turn.
  const carried = (continuation?.paused?.calls ?? []).map(({ toolCallId, toolName, args }) => ({
    toolCallId,
    name: toolName,
    args,
  }));
  // Calls an earlier run recorded (the continued turn's, the carried ones among them): a row of
  // theirs is updated at this run's end whatever becomes of them. Only carried calls come back in
  // an LLM agent's calls; an agent that reports a continued call again gets its row updated too.
  const recorded = new Set((pendingTurn?.toolCalls ?? []).map((c) => c.toolCallId));
  const pipeline$ = defer(() => {
    startedAt = now();
    metrics.runStarted(agent.id);
    return agent.run({
      ...context,
      pauseRequested: () => pauseRequested,
      ...(continuation ? { continuation } : {}),
    });
  }).pipe(
    tap((event) => {
      if (event.type === 'outcome' && event.iteration !== undefined) iteration = event.iteration;
      meter.observe(event);
    }),
    toAguiEvents({ threadId, runId, now, generateId, cancel$ }),
    tap((event) => {
      accumulator.apply(event);
      tracker.apply(event);
      if (isTerminal(event)) terminal = event;
    }),
    persistEvents({
      log: store.events,
      threadId,
      runId,
      lastSeq,
      onCommitted: (events) => {
        deps.bus.publish(threadId, events);
        metrics.eventsCommitted(events.length);
      },
      // The terminal event is logged with the run's end, in one commit, and emitted after it.
      end: async (events) => {
        if (!terminal) return store.events.append(threadId, events);
        try {
          await storeEnd(terminal, events);
        } catch (error) {
          // The end could not be stored: its events are logged alone (unless they are what was
          // refused), so a follower of the thread still sees the run end; the run stays recorded
          // as running until the reaper ends it (docs/architecture.md). The run fails with the
          // first error.
          if (events.length > 0 && !(error instanceof EventSequenceError)) {
            await store.events.append(threadId, events).catch((appendError: unknown) => {
              runLog.error({ err: appendError }, 'the events of a run whose end failed were not logged');
            });
          }
          throw error;
        }
      },
    }),
    finalize(() => {
      abort.abort(RUN_CLOSED);
      metrics.runClosed(agent.id);
      free();
    }),
  );
  /** Stores the run's end with its last events (`FinishRunInput.events`). */
  async function storeEnd(terminal: BaseEvent, events: readonly SequencedEvent[]): Promise<void> {
    // Every LLM call is billed before the client can see the run end.
    await meter.flush();
    const ending = readRunEnding(terminal);
    const durationMs = now() - startedAt;
    metrics.runEnded(agent.id, ending.status, durationMs);
    runLog.info({ status: ending.status, durationMs }, 'run ended');
    if (ending.error) runLog.warn({ code: ending.error.code }, 'run failed: %s', ending.error.message);
    const turn = recordTurn({
      runId,
      agentId: agent.id,
      input,
      policies: agent.toolPolicies(),
      outcome: ending.outcome,
      iteration,
      calls: [...carried, ...accumulator.toolCalls()],
      answered: accumulator.answered(),
      recorded,
    });
    await store.threads.finishRun({
      threadId,
      runId,
      tenantId,
      agentId: agent.id,
      ...ending,
      usage: meter.price(ending.usage),
      finishedAt: new Date(now()),
      messages: accumulator.messages(),
      snapshot: createThreadSnapshot(tracker.current(), turn.pending),
      toolCalls: turn.toolCalls,
      interrupts: turn.interrupts,
      events,
    });
  }
  const events$ = defer(() => {
    if (subscribed) throw new Error(`Run ${runId} is already being consumed`);
    subscribed = true;
    return pipeline$;
  });
  const pause = () => void (pauseRequested = true);
  return { threadId, runId, events$, cancel, pause };
}

/**
 * Why a run's signal aborts when its pipeline closes. One shared reason: \`abort()\` without one
 * builds a DOMException with a stack trace for every run (about 70 us each in a profile of 100
 * simultaneous runs), and nothing reads the reason.
 */
const RUN_CLOSED = new DOMException('The run closed', 'AbortError');

/** An input state counts when present and not an empty object (clients send `{}` by default). */
function hasState(state: unknown): boolean {
  if (state === undefined || state === null) return false;
  return !(typeof state === 'object' && !Array.isArray(state) && Object.keys(state).length === 0);
}

function assistantMessages(messages: Message[]): Map<string, Message> {
  return new Map(messages.filter((m) => m.role === 'assistant').map((m) => [m.id, m]));
}
