import { EventType, type BaseEvent, type RunFinishedOutcome, type TokenUsage } from '@ag-ui/core';
import type { RunStatus, ThreadStatus } from '../store/thread-store.js';

/** How a run ended, read off its terminal event. */
export interface RunEnding {
  status: RunStatus;
  threadStatus: ThreadStatus;
  outcome: RunFinishedOutcome | null;
  error: { code: string; message: string } | null;
  usage: TokenUsage[];
}

/** Reads run and thread status from a `RUN_FINISHED` or `RUN_ERROR` event. */
export function readRunEnding(terminal: BaseEvent): RunEnding {
  const e = terminal as BaseEvent & {
    outcome?: RunFinishedOutcome;
    usage?: TokenUsage[];
    code?: string;
    message?: string;
  };
  const usage = e.usage ?? [];
  if (terminal.type === EventType.RUN_ERROR) {
    const error = { code: e.code ?? 'INTERNAL_ERROR', message: e.message ?? '' };
    return { status: 'error', threadStatus: 'idle', outcome: null, error, usage };
  }
  const outcome = e.outcome ?? { type: 'success' };
  switch (outcome.type) {
    case 'interrupt':
      return { status: 'interrupted', threadStatus: 'interrupted', outcome, error: null, usage };
    case 'cancelled':
      return { status: 'cancelled', threadStatus: 'idle', outcome, error: null, usage };
    default: {
      const pending = (outcome.pendingToolCallIds ?? []).length > 0;
      return {
        status: 'success',
        threadStatus: pending ? 'awaiting_tool_results' : 'idle',
        outcome,
        error: null,
        usage,
      };
    }
  }
}

/** True for the two events that end a run. */
export function isTerminal(event: BaseEvent): boolean {
  return event.type === EventType.RUN_FINISHED || event.type === EventType.RUN_ERROR;
}
