import { BridgeError } from '../protocol/bridge-error.js';
import type { InterruptStore } from '../store/interrupt-store.js';

/** Who tried what, for the audit trail. */
export interface AuditContext {
  tenantId: string;
  actor: string;
  action: string;
  target: string;
}

/** Runs `work`; a refusal it throws (a BridgeError below 500) is written to the audit trail first. */
export async function auditRefusals<T>(
  interrupts: InterruptStore,
  context: AuditContext,
  now: () => number,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BridgeError && error.httpStatus < 500) {
      await interrupts.audit({ ...context, at: new Date(now()), code: error.code, message: error.message });
    }
    throw error;
  }
}
