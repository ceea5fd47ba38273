import type { Message, ResumeEntry, RunAgentInput } from '@ag-ui/core';
import { ApprovalPayloadSchema } from '../interrupts/approval-payload.js';
import { PAUSED_REASON, PausePayloadSchema } from '../interrupts/pause-interrupt.js';
import { BridgeError, ConflictError, InvalidInputError } from '../protocol/bridge-error.js';
import type { PendingTurn } from '../protocol/thread-snapshot.js';
import type { InterruptRecord, InterruptStore, Resolution } from '../store/interrupt-store.js';

/** What a run's answers do to the thread's pending turn, once they all check out. */
export interface CheckedAnswers {
  /** Compare-and-set transitions to apply, all or nothing. */
  resolutions: Resolution[];
  /** Pending frontend calls the input's tool messages answer. */
  answeredToolCallIds: string[];
  /** The turn this run continues, if the thread was waiting. */
  pendingTurn: PendingTurn | null;
}

/** What `checkAnswers` reads. */
export interface CheckAnswersInput {
  threadId: string;
  input: RunAgentInput;
  /** The thread's stored conversation, read only if the recorded calls do not settle a question. */
  storedMessages: () => Promise<Message[]>;
  pendingTurn: PendingTurn | null;
  interrupts: InterruptStore;
  now: Date;
  actor: string;
}

/** The interrupt expired: answering it now is refused (cancelling it is not). */
export class InterruptExpiredError extends BridgeError {
  constructor(id: string) {
    super('INTERRUPT_EXPIRED', 410, `Interrupt ${id} expired; it can only be cancelled now`);
  }
}

/**
 * Checks a run's answers against what the thread is waiting for, before anything is streamed:
 * tool messages must answer calls the thread issued, every pending frontend call must be answered,
 * and `resume` must answer every open interrupt of the pending turn and nothing else.
 */
export async function checkAnswers(check: CheckAnswersInput): Promise<CheckedAnswers> {
  const messages = check.input.messages ?? [];
  const answeredToolCallIds = await checkToolMessages(check, messages);
  const resolutions = await checkResume(check, check.input.resume ?? []);
  return { resolutions, answeredToolCallIds, pendingTurn: check.pendingTurn };
}

async function checkToolMessages(check: CheckAnswersInput, input: Message[]): Promise<string[]> {
  const issued = new Set<string>();
  for (const m of input) {
    if (m.role === 'assistant') for (const call of m.toolCalls ?? []) issued.add(call.id);
  }
  const answers = input.filter((m) => m.role === 'tool').map((m) => m.toolCallId);
  // Calls the input does not show being made are looked up among the thread's recorded calls:
  // a point lookup of those ids.
  const elsewhere = [...new Set(answers.filter((id) => !issued.has(id)))];
  if (elsewhere.length > 0) {
    for (const id of await check.interrupts.issuedToolCalls(check.threadId, elsewhere)) issued.add(id);
  }
  if (answers.some((id) => !issued.has(id))) {
    // Otherwise the thread's stored messages settle it: a call a client's message made, or a
    // backend call a run made and executed itself (not recorded). Only this input pays for the
    // read of the whole history: AG-UI clients send the call's message with its answer.
    for (const m of await check.storedMessages()) {
      if (m.role === 'assistant') for (const call of m.toolCalls ?? []) issued.add(call.id);
    }
  }
  const unknown = answers.filter((id) => !issued.has(id));
  if (unknown.length > 0) {
    throw new ConflictError(
      'UNKNOWN_TOOL_CALL_ID',
      `No tool call of this thread has id ${unknown.join(', ')}`,
      {
        toolCallIds: unknown,
      },
    );
  }
  const pending = check.pendingTurn;
  const waiting = (pending?.toolCalls ?? []).filter((c) => c.kind === 'frontend').map((c) => c.toolCallId);
  const given = new Set(answers);
  const missing = waiting.filter((id) => !given.has(id));
  if (missing.length > 0) {
    throw new ConflictError(
      'PENDING_TOOL_CALLS',
      `The thread is waiting for results of tool calls ${missing.join(', ')}: send them as role "tool" messages`,
      { pendingToolCallIds: missing },
    );
  }
  return waiting;
}

async function checkResume(check: CheckAnswersInput, resume: ResumeEntry[]): Promise<Resolution[]> {
  const turn = check.pendingTurn
    ? await check.interrupts.forRun(check.threadId, check.pendingTurn.runId)
    : [];
  const seen = new Set<string>();
  const resolutions: Resolution[] = [];
  for (const entry of resume) {
    if (seen.has(entry.interruptId))
      throw new InvalidInputError(`resume answers interrupt ${entry.interruptId} twice`);
    seen.add(entry.interruptId);
    const record =
      turn.find((r) => r.id === entry.interruptId) ?? (await check.interrupts.get(entry.interruptId));
    if (!record || record.threadId !== check.threadId) {
      throw new ConflictError(
        'UNKNOWN_INTERRUPT_ID',
        `Thread ${check.threadId} has no interrupt ${entry.interruptId}`,
      );
    }
    const resolution = resolve(record, entry, check);
    if (resolution) resolutions.push(resolution);
  }
  const unanswered = turn.filter(
    (r) => r.status === 'PENDING' && !isExpired(r, check.now) && !seen.has(r.id),
  );
  if (unanswered.length > 0) {
    throw new ConflictError(
      'PENDING_INTERRUPTS',
      `The thread has open interrupts the input does not answer: ${unanswered.map((r) => r.id).join(', ')}`,
      { interruptIds: unanswered.map((r) => r.id) },
    );
  }
  return resolutions;
}

/** The transition one resume entry asks for, or why it is refused. */
export function resolve(
  record: InterruptRecord,
  entry: Pick<ResumeEntry, 'status' | 'payload'>,
  who: { now: Date; actor: string },
  via: Resolution['resolvedVia'] = 'resume',
): Resolution | null {
  const base = { id: record.id, resolvedBy: who.actor, resolvedVia: via, at: who.now };
  const expired = record.status === 'EXPIRED' || (record.status === 'PENDING' && isExpired(record, who.now));
  if (expired) {
    // An expired interrupt can still be cancelled, which is how a client moves the thread on.
    if (entry.status === 'cancelled')
      return record.status === 'PENDING' ? { ...base, status: 'EXPIRED' } : null;
    throw new InterruptExpiredError(record.id);
  }
  if (record.status !== 'PENDING') {
    throw new ConflictError(
      'INTERRUPT_NOT_PENDING',
      `Interrupt ${record.id} is already ${record.status.toLowerCase()}`,
    );
  }
  if (record.reason === PAUSED_REASON) return resolvePause(record, entry, base);
  if (entry.status === 'cancelled') return { ...base, status: 'CANCELLED', payload: entry.payload };
  if (record.reason !== 'tool_approval') return { ...base, status: 'APPROVED', payload: entry.payload };
  const payload = ApprovalPayloadSchema.safeParse(entry.payload);
  if (!payload.success) {
    throw new InvalidInputError(
      `The answer to interrupt ${record.id} does not match its responseSchema`,
      payload.error.issues,
    );
  }
  return { ...base, status: payload.data.approved ? 'APPROVED' : 'REJECTED', payload: payload.data };
}

/** A paused run's answer: resolved continues it, cancelled ends it; either may carry `{ note }`. */
function resolvePause(
  record: InterruptRecord,
  entry: Pick<ResumeEntry, 'status' | 'payload'>,
  base: Omit<Resolution, 'status'>,
): Resolution {
  const payload = PausePayloadSchema.safeParse(entry.payload ?? {});
  if (!payload.success) {
    throw new InvalidInputError(
      `The answer to interrupt ${record.id} does not match its responseSchema`,
      payload.error.issues,
    );
  }
  return { ...base, status: entry.status === 'cancelled' ? 'CANCELLED' : 'APPROVED', payload: payload.data };
}

/** True once `expiresAt` has passed, whether or not the sweeper has marked it yet. */
export function isExpired(record: InterruptRecord, now: Date): boolean {
  return record.expiresAt !== null && record.expiresAt.getTime() <= now.getTime();
}
