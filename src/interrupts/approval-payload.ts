import { z } from 'zod';

/** The answer to a `tool_approval` interrupt: approve or not, optionally with replacement arguments. */
export const ApprovalPayloadSchema = z.object({
  approved: z.boolean(),
  /** Replaces the model's arguments when approved. */
  args: z.record(z.string(), z.unknown()).optional(),
  comment: z.string().max(10_000).optional(),
});

/** The answer to a `tool_approval` interrupt. */
export type ApprovalPayload = z.infer<typeof ApprovalPayloadSchema>;

/** The JSON Schema sent as the interrupt's `responseSchema`, generated from the zod schema. */
export const APPROVAL_RESPONSE_SCHEMA: Record<string, unknown> = (() => {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(ApprovalPayloadSchema) as Record<string, unknown>;
  return schema;
})();
