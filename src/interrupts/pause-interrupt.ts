import type { Interrupt } from '@ag-ui/core';
import { z } from 'zod';

/** The `reason` of the interrupt a paused run ends with. */
export const PAUSED_REASON = 'paused';

/** The answer to a `paused` interrupt: an optional note, kept in the interrupt's payload only. */
export const PausePayloadSchema = z.strictObject({
  note: z.string().max(10_000).optional(),
});

/** The answer to a `paused` interrupt. */
export type PausePayload = z.infer<typeof PausePayloadSchema>;

/** The JSON Schema sent as the paused interrupt's `responseSchema`, generated from the zod schema. */
export const PAUSE_RESPONSE_SCHEMA: Record<string, unknown> = (() => {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(PausePayloadSchema) as Record<string, unknown>;
  return schema;
})();

/** The AG-UI interrupt a paused run ends with; it does not expire. */
export function createPauseInterrupt(pause: { id: string; pendingCalls: number }): Interrupt {
  const n = pause.pendingCalls;
  const waiting = n > 0 ? ` with ${n} tool call${n === 1 ? '' : 's'} not yet run` : '';
  return {
    id: pause.id,
    reason: PAUSED_REASON,
    message: `The run was paused${waiting}. Resolve this interrupt to continue, or cancel it to end the run.`,
    responseSchema: PAUSE_RESPONSE_SCHEMA,
  };
}
