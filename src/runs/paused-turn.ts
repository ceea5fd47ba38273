import type { PausedTurn } from '../agents/agent.js';
import { PAUSED_REASON } from '../interrupts/pause-interrupt.js';
import type { PendingTurn } from '../protocol/thread-snapshot.js';
import type { InterruptRecord } from '../store/interrupt-store.js';

/**
 * What a continuation needs from a turn that stopped on a pause, or undefined for any other turn.
 * The calls to carry are the turn's unanswered calls the bridge handles itself (backend, and
 * approval-gated ones not yet asked about); frontend calls are answered by the client's tool messages.
 */
export function pausedTurn(
  turn: PendingTurn,
  records: InterruptRecord[],
  claim: (interruptId: string) => Promise<boolean>,
): PausedTurn | undefined {
  const pause = records.find((r) => r.reason === PAUSED_REASON);
  if (!pause) return undefined;
  // Anything but a resolution (cancelled, or expired should a TTL ever be set) ends the logical run.
  const status = pause.status === 'APPROVED' || pause.status === 'EXECUTED' ? 'resolved' : 'cancelled';
  const calls = turn.toolCalls
    .filter((c) => c.kind !== 'frontend' && !c.interruptId)
    .map(({ toolCallId, toolName, args }) => ({ toolCallId, toolName, args }));
  return { status, calls, claim: () => claim(pause.id) };
}
