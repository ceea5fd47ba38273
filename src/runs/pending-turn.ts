import type { Interrupt, RunAgentInput, RunFinishedOutcome } from '@ag-ui/core';
import { classifyToolCall, type BackendToolPolicy } from '../interrupts/tool-policy.js';
import type { PendingTurn } from '../protocol/thread-snapshot.js';
import type { NewInterrupt, NewToolCall } from '../store/interrupt-store.js';

/** What a finished run leaves for the correlation store and the thread snapshot. */
export interface TurnRecord {
  toolCalls: NewToolCall[];
  interrupts: NewInterrupt[];
  /** The turn waiting for answers, or null when the run left nothing pending. */
  pending: PendingTurn | null;
}

/** The run as `recordTurn` needs it. */
export interface FinishedRun {
  runId: string;
  agentId: string;
  input: RunAgentInput;
  policies: BackendToolPolicy[];
  outcome: RunFinishedOutcome | null;
  iteration: number;
  calls: { toolCallId: string; name: string; args: string }[];
  answered: ReadonlySet<string>;
  /** Calls an earlier run recorded (the turn this run continues, the calls it carries over). */
  recorded: ReadonlySet<string>;
}

/**
 * Classifies the run's tool calls (frontend wins over a backend tool of the same name), picks those
 * to record and, when the run stopped for answers, describes the pending turn the next run must
 * continue.
 */
export function recordTurn(run: FinishedRun): TurnRecord {
  const frontendNames = new Set((run.input.tools ?? []).map((t) => t.name));
  const backend = new Map(run.policies.map((p) => [p.name, p]));
  const interrupts: Interrupt[] = run.outcome?.type === 'interrupt' ? run.outcome.interrupts : [];
  const interruptOf = new Map(interrupts.filter((i) => i.toolCallId).map((i) => [i.toolCallId!, i.id]));
  const classified = run.calls.map((call) => ({
    ...call,
    kind: classifyToolCall(call.name, frontendNames, backend) ?? 'backend',
  }));
  // A call this run made and answered itself is not recorded: its call and its result are in the
  // thread's messages and event log, nothing waits on it, and a tool message answering it again is
  // checked against the thread's messages (check-answers.ts). A row per such call was most of a run
  // end's cost in SQLite (docs/benchmarks-history.md, step 30). A call recorded earlier is updated.
  const toolCalls: NewToolCall[] = classified
    .filter((call) => !run.answered.has(call.toolCallId) || run.recorded.has(call.toolCallId))
    .map((call) => ({
      toolCallId: call.toolCallId,
      name: call.name,
      kind: call.kind,
      status: run.answered.has(call.toolCallId) ? 'EXECUTED' : call.kind === 'approval' ? 'GATED' : 'PENDING',
    }));
  const byCall = new Map(classified.map((c) => [c.toolCallId, c]));
  const newInterrupts: NewInterrupt[] = interrupts.map((i) => ({
    id: i.id,
    reason: i.reason,
    message: i.message ?? null,
    toolCallId: i.toolCallId ?? null,
    toolName: (i.toolCallId && byCall.get(i.toolCallId)?.name) || null,
    args: (i.toolCallId && byCall.get(i.toolCallId)?.args) ?? null,
    responseSchema: i.responseSchema ?? null,
    expiresAt: i.expiresAt ? new Date(i.expiresAt) : null,
  }));
  const waiting =
    run.outcome?.type === 'interrupt' ||
    (run.outcome?.type === 'success' && (run.outcome.pendingToolCallIds ?? []).length > 0);
  const pending: PendingTurn | null = waiting
    ? {
        runId: run.runId,
        agentId: run.agentId,
        iteration: run.iteration,
        tools: run.input.tools ?? [],
        context: run.input.context ?? [],
        toolCalls: classified
          .filter((c) => !run.answered.has(c.toolCallId))
          .map((c) => ({
            toolCallId: c.toolCallId,
            toolName: c.name,
            args: c.args,
            kind: c.kind,
            ...(interruptOf.has(c.toolCallId) ? { interruptId: interruptOf.get(c.toolCallId)! } : {}),
          })),
      }
    : null;
  return { toolCalls, interrupts: newInterrupts, pending };
}
