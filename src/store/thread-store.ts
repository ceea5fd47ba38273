import type { Message, RunAgentInput, RunFinishedOutcome, TokenUsage } from '@ag-ui/core';
import type { ThreadSnapshot } from '../protocol/thread-snapshot.js';
import type { NewInterrupt, NewToolCall } from './interrupt-store.js';
import type { LoggedEvent } from './event-log.js';

/** What a thread is waiting for, if anything. */
export type ThreadStatus = 'idle' | 'running' | 'interrupted' | 'awaiting_tool_results';
/** How a run ended. */
export type RunStatus = 'running' | 'success' | 'interrupted' | 'cancelled' | 'error';

/** A thread as stored. */
export interface ThreadRecord {
  id: string;
  tenantId: string;
  agentId: string;
  status: ThreadStatus;
  snapshot: ThreadSnapshot;
  createdAt: Date;
  updatedAt: Date;
}

/** A run as stored. */
export interface RunRecord {
  runId: string;
  threadId: string;
  agentId: string;
  status: RunStatus;
  outcome: RunFinishedOutcome | null;
  error: { code: string; message: string } | null;
  usage: TokenUsage[];
  startedAt: Date;
  finishedAt: Date | null;
  /** The stored agent definition version the run used; null for a YAML or built-in definition. */
  agentVersion: number | null;
}

/** What `beginRun` records. */
export interface BeginRunInput {
  threadId: string;
  tenantId: string;
  agentId: string;
  runId: string;
  input: RunAgentInput;
  startedAt: Date;
  /** The stored agent definition version the run uses (docs/agents.md); absent or null: none. */
  agentVersion?: number | null;
  /** The input's messages, merged into the stored conversation by id (new ones appended). */
  messages: Message[];
}

/** What `beginRun` returns. */
export interface BeginRunResult {
  /** The thread before this run (created if it was new). */
  thread: ThreadRecord;
}

/** What `finishRun` records, atomically. */
export interface FinishRunInput {
  threadId: string;
  runId: string;
  status: RunStatus;
  threadStatus: ThreadStatus;
  outcome: RunFinishedOutcome | null;
  error: { code: string; message: string } | null;
  usage: TokenUsage[];
  finishedAt: Date;
  /** Messages the run produced; an id already stored replaces that message in place. */
  messages: Message[];
  snapshot: ThreadSnapshot;
  /** The run's tool calls to record, with their classification (pending-turn.ts picks them). */
  toolCalls: NewToolCall[];
  /** The interrupts the run ended with. */
  interrupts: NewInterrupt[];
  tenantId: string;
  agentId: string;
  /**
   * The run's last events (its terminal event among them), appended to the thread's event log in
   * the same transaction as the end: one commit instead of two, and a crash between them cannot
   * leave a run's end in the log that its records lack, or the reverse. Refused, with nothing
   * written, when they do not continue the thread's sequence (`EventSequenceError`).
   */
  events?: readonly LoggedEvent[];
}

/** A page of threads. */
export interface ThreadPage {
  threads: ThreadRecord[];
  nextCursor: string | null;
}

/** Threads, their runs and messages: the durable conversation. */
export interface ThreadStore {
  get(threadId: string): Promise<ThreadRecord | null>;
  list(options: { tenantId: string; limit: number; cursor?: string }): Promise<ThreadPage>;
  messages(threadId: string): Promise<Message[]>;
  runs(threadId: string): Promise<RunRecord[]>;
  /** Creates the thread if needed, marks it running, records the run and merges the input messages. */
  beginRun(input: BeginRunInput): Promise<BeginRunResult>;
  /** Records the run's end, its messages and the new snapshot in one transaction. */
  finishRun(input: FinishRunInput): Promise<void>;
  /** Runs recorded as running (after a crash, none of them has a live process behind it). */
  runningRuns(): Promise<{ threadId: string; runId: string }[]>;
  /** Removes the thread and everything it owns; false when there was none. */
  delete(threadId: string): Promise<boolean>;
}
