import type { Interrupt } from '@ag-ui/core';
import { APPROVAL_RESPONSE_SCHEMA } from './approval-payload.js';

/** How long an approval stays answerable when the tool sets no `approvalTtl`: one day. */
export const DEFAULT_APPROVAL_TTL_MS = 24 * 60 * 60 * 1000;

/** The AG-UI interrupt asking a person to approve one gated tool call. */
export function createToolApprovalInterrupt(call: {
  toolCallId: string;
  toolName: string;
  args: string;
  ttlMs?: number;
  now: number;
  id: string;
}): Interrupt {
  return {
    id: call.id,
    reason: 'tool_approval',
    message: `Approve ${call.toolName} with arguments ${call.args || '{}'}?`,
    toolCallId: call.toolCallId,
    responseSchema: APPROVAL_RESPONSE_SCHEMA,
    expiresAt: new Date(call.now + (call.ttlMs ?? DEFAULT_APPROVAL_TTL_MS)).toISOString(),
  };
}
