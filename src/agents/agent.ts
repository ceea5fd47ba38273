import type { Observable } from 'rxjs';
import type { AgentCapabilities, Message, RunAgentInput } from '@ag-ui/core';
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
}

/** An agent the bridge can run: describes itself and turns one run into internal events. */
export interface Agent {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  capabilities(): AgentCapabilities;
  /** Cold: subscribing starts the run, unsubscribing abandons it. Errors become `RUN_ERROR`. */
  run(context: AgentRunContext): Observable<AgentEvent>;
}
