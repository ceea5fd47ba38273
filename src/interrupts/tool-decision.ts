/** What became of one approval-gated call by the time its turn continues. */
export interface ToolDecision {
  toolCallId: string;
  toolName: string;
  interruptId: string;
  decision: 'approved' | 'rejected' | 'cancelled' | 'expired';
  /** The arguments to execute with (the approver's edit, else the model's), as JSON text. */
  args: string;
  comment?: string;
}

/** What the model is told in place of a result when a gated call did not run. */
export function notExecutedResult(decision: ToolDecision): string {
  const why = {
    approved: 'was approved',
    rejected: 'was rejected by the approver',
    cancelled: 'was cancelled',
    expired: 'expired before anyone approved it',
  }[decision.decision];
  return JSON.stringify({
    error: `The call to ${decision.toolName} ${why}; the tool did not run.`,
    ...(decision.comment ? { comment: decision.comment } : {}),
  });
}
