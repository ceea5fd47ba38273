import type { AgentContinuation } from '../agents/agent.js';
import type { ApprovalPayload } from '../interrupts/approval-payload.js';
import type { ToolDecision } from '../interrupts/tool-decision.js';
import type { PendingTurn } from '../protocol/thread-snapshot.js';
import { pausedTurn } from './paused-turn.js';
import type { InterruptRecord, InterruptStore } from '../store/interrupt-store.js';
import { isExpired } from './check-answers.js';

/** The continuation of a pending turn: decisions on its gated calls, and execution at most once. */
export async function buildContinuation(
  threadId: string,
  turn: PendingTurn,
  interrupts: InterruptStore,
  now: () => number,
): Promise<AgentContinuation> {
  const records = new Map((await interrupts.forRun(threadId, turn.runId)).map((r) => [r.id, r]));
  const decisions: ToolDecision[] = [];
  for (const call of turn.toolCalls) {
    const record = call.interruptId ? records.get(call.interruptId) : undefined;
    if (call.kind !== 'approval' || !record) continue;
    decisions.push(decide(record, call.args, new Date(now())));
  }
  const paused = pausedTurn(turn, [...records.values()], (id) =>
    interrupts.claimExecution(id, new Date(now())),
  );
  return {
    iteration: turn.iteration,
    decisions,
    ...(paused ? { paused } : {}),
    async executeOnce(decision, execute) {
      // APPROVED → EXECUTED is compare-and-set: whoever wins runs the tool, everyone else reads its result.
      if (await interrupts.claimExecution(decision.interruptId, new Date(now()))) {
        const result = await execute();
        await interrupts.saveResult(decision.interruptId, result);
        return result;
      }
      const record = await interrupts.get(decision.interruptId);
      return (
        record?.result ??
        JSON.stringify({ error: `${decision.toolName} already ran; its result was not recorded` })
      );
    },
  };
}

function decide(record: InterruptRecord, modelArgs: string, now: Date): ToolDecision {
  const payload = (record.payload ?? {}) as Partial<ApprovalPayload>;
  const base = {
    toolCallId: record.toolCallId ?? '',
    toolName: record.toolName ?? '',
    interruptId: record.id,
    args: payload.args ? JSON.stringify(payload.args) : modelArgs,
    ...(payload.comment ? { comment: payload.comment } : {}),
  };
  switch (record.status) {
    case 'APPROVED':
    case 'EXECUTED':
      return { ...base, decision: 'approved' };
    case 'REJECTED':
      return { ...base, decision: 'rejected' };
    case 'CANCELLED':
      return { ...base, decision: 'cancelled' };
    default:
      // EXPIRED, or still PENDING past its expiry (the sweeper has not run yet).
      return {
        ...base,
        decision: isExpired(record, now) || record.status === 'EXPIRED' ? 'expired' : 'cancelled',
      };
  }
}
