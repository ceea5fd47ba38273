import type { ToolCallKind } from '../protocol/thread-snapshot.js';

/** Where an interrupt is in its life (compare-and-set transitions only). */
export type InterruptStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'CANCELLED' | 'EXPIRED' | 'EXECUTED';

/** An interrupt as stored. */
export interface InterruptRecord {
  id: string;
  threadId: string;
  runId: string;
  agentId: string;
  tenantId: string;
  reason: string;
  message: string | null;
  toolCallId: string | null;
  toolName: string | null;
  /** The model's arguments, JSON text. */
  args: string | null;
  responseSchema: Record<string, unknown> | null;
  status: InterruptStatus;
  payload: unknown;
  resolvedBy: string | null;
  resolvedVia: string | null;
  resolvedAt: Date | null;
  result: string | null;
  executedAt: Date | null;
  createdAt: Date;
  expiresAt: Date | null;
}

/** A new interrupt, recorded with the run that raised it. */
export type NewInterrupt = Pick<
  InterruptRecord,
  'id' | 'reason' | 'message' | 'toolCallId' | 'toolName' | 'args' | 'responseSchema' | 'expiresAt'
>;

/** A tool call as the run made it, with its classification. */
export interface NewToolCall {
  toolCallId: string;
  name: string;
  kind: ToolCallKind;
  /** PENDING (frontend, unanswered), EXECUTED (backend, result seen), GATED (approval). */
  status: 'PENDING' | 'EXECUTED' | 'GATED' | 'ANSWERED';
}

/** One answer to apply: PENDING becomes `status`, or the whole batch is refused. */
export interface Resolution {
  id: string;
  status: 'APPROVED' | 'REJECTED' | 'CANCELLED' | 'EXPIRED';
  payload?: unknown;
  resolvedBy: string;
  resolvedVia: 'resume' | 'api' | 'ws' | 'sweeper';
  at: Date;
}

/** One refused answer, for the audit trail. */
export interface AuditEntry {
  at: Date;
  tenantId: string;
  actor: string;
  action: string;
  target: string;
  code: string;
  message: string;
}

/** The correlation store: interrupts, tool calls, the audit trail. */
export interface InterruptStore {
  get(id: string): Promise<InterruptRecord | null>;
  list(filter: {
    tenantId: string;
    status?: InterruptStatus;
    threadId?: string;
    limit: number;
  }): Promise<InterruptRecord[]>;
  /** The interrupts a run of the thread ended with (one turn). */
  forRun(threadId: string, runId: string): Promise<InterruptRecord[]>;
  /** Applies every resolution or none: a row no longer PENDING fails the batch with INTERRUPT_NOT_PENDING. */
  resolve(resolutions: Resolution[]): Promise<void>;
  /** APPROVED → EXECUTED; false when it was not APPROVED (already claimed, or never approved). */
  claimExecution(id: string, at: Date): Promise<boolean>;
  saveResult(id: string, result: string): Promise<void>;
  /** Marks PENDING interrupts past their expiry EXPIRED; returns how many. */
  expireDue(now: Date): Promise<number>;
  /** How many interrupts are pending, across tenants, and when the oldest was raised (for monitoring). */
  pendingStats(): Promise<{ count: number; oldestCreatedAt: Date | null }>;
  /**
   * Which of `toolCallIds` runs of the thread recorded at their end: the calls something waits on,
   * not the backend calls a run made and executed itself (pending-turn.ts).
   */
  issuedToolCalls(threadId: string, toolCallIds: string[]): Promise<string[]>;
  /** Marks frontend calls answered by tool messages. */
  answerToolCalls(threadId: string, toolCallIds: string[], at: Date): Promise<void>;
  audit(entry: AuditEntry): Promise<void>;
  auditTrail(filter: { tenantId: string; limit: number }): Promise<AuditEntry[]>;
}
