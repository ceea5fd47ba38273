import type { Observable } from 'rxjs';
import type { AgentCapabilities, Message, RunAgentInput } from '@ag-ui/core';
import type { BackendToolPolicy } from '../interrupts/tool-policy.js';
import type { ToolDecision } from '../interrupts/tool-decision.js';
import type { AgentEvent } from '../protocol/agent-event.js';

/** Everything an agent gets for one run. */
export interface AgentRunContext {
  threadId: string;
  runId: string;
  /** The whole conversation so far: stored history merged with the input's messages. */
  messages: Message[];
  /** The thread's state at the start of the run. */
  state: unknown;
  /** The request as received (tools are the frontend tools, `forwardedProps` etc.). */
  input: RunAgentInput;
  /** Aborted when the run is cancelled (stop, client gone, shutdown): abort outbound requests with it. */
  signal: AbortSignal;
  now: () => number;
  generateId: () => string;
  /** Set when this run continues a turn that stopped for approvals, tool results or a pause. */
  continuation?: AgentContinuation;
  /**
   * True once someone asked to pause the run: an agent that supports pausing ends at its next safe
   * point with a `paused` interrupt (docs/interrupts.md, "Pause and resume"); others ignore it.
   */
  pauseRequested?: () => boolean;
}

/** What a continuation run needs to pick up where the interrupted turn stopped. */
export interface AgentContinuation {
  /** LLM calls already made by the interrupted run (they count against `maxIterations`). */
  iteration: number;
  /** What became of each approval-gated call of the interrupted turn, in call order. */
  decisions: ToolDecision[];
  /** Runs an approved call at most once, whatever retries or replays happen; returns its result. */
  executeOnce(decision: ToolDecision, execute: () => Promise<string>): Promise<string>;
  /** Set when the turn stopped on a pause: how it was answered and the calls it had not run yet. */
  paused?: PausedTurn;
}

/** A paused turn as its continuation sees it. */
export interface PausedTurn {
  /** `resolved`: run `calls`, then go on; `cancelled`: the logical run ends, nothing more runs. */
  status: 'resolved' | 'cancelled';
  /** Backend and approval-gated calls the model asked for that had not run yet, in call order. */
  calls: { toolCallId: string; toolName: string; args: string }[];
  /**
   * Takes the resolved pause over (compare-and-set): true once; false when an earlier continuation
   * took it and died before recording its results, so the calls must not run again.
   */
  claim(): Promise<boolean>;
}

/** An agent the bridge can run: describes itself and turns one run into internal events. */
export interface Agent {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** The stored definition version this agent was built from (docs/agents.md); absent: YAML or code only. */
  readonly version?: number;
  capabilities(): AgentCapabilities;
  /** The agent's backend tools and their approval policy (frontend tools come with each run). */
  toolPolicies(): BackendToolPolicy[];
  /** A run while the thread is busy: `reject` (THREAD_BUSY, the default) or `enqueue` (wait for it). */
  readonly concurrency?: 'reject' | 'enqueue';
  /** Cold: subscribing starts the run, unsubscribing abandons it. Errors become `RUN_ERROR`. */
  run(context: AgentRunContext): Observable<AgentEvent>;
}
