import { z } from 'zod';
import { JsonPatchOperationSchema, RunFinishedOutcomeSchema, TokenUsageSchema } from '@ag-ui/core/schemas';
import { ErrorCodeSchema } from './error-codes.js';

/**
 * Internal events: what agents emit. They are deliberately looser than AG-UI (no explicit opens
 * and closes for text, optional ids); `toAguiEvents` (src/bridge) turns them into a valid AG-UI
 * stream whatever order they come in. docs/protocol.md has the mapping table.
 */

/** Token counts of one LLM call, in AG-UI `TokenUsage` accounting. */
export const UsageSchema = TokenUsageSchema;

/** A piece of assistant text; consecutive deltas with the same (or no) `messageId` form one message. */
export const TextDeltaSchema = z.object({
  type: z.literal('text_delta'),
  messageId: z.string().optional(),
  delta: z.string(),
});
/** Ends the current text message early (otherwise it ends when something else starts). */
export const TextEndSchema = z.object({ type: z.literal('text_end'), messageId: z.string().optional() });
/** The model starts calling a tool. `parentMessageId` is the assistant message that carries the call. */
export const ToolCallStartSchema = z.object({
  type: z.literal('tool_call_start'),
  toolCallId: z.string(),
  toolName: z.string(),
  parentMessageId: z.string().optional(),
});
/** A piece of a tool call's JSON arguments. */
export const ToolCallArgsSchema = z.object({
  type: z.literal('tool_call_args'),
  toolCallId: z.string(),
  delta: z.string(),
});
/** The tool call's arguments are complete. */
export const ToolCallEndSchema = z.object({ type: z.literal('tool_call_end'), toolCallId: z.string() });
/** A backend tool's result (the bridge executed it). */
export const ToolResultSchema = z.object({
  type: z.literal('tool_result'),
  toolCallId: z.string(),
  content: z.string(),
  messageId: z.string().optional(),
});
/** Replaces the agent state. */
export const StateSnapshotSchema = z.object({ type: z.literal('state_snapshot'), state: z.unknown() });
/** Changes the agent state by RFC 6902 JSON Patch. */
export const StatePatchSchema = z.object({
  type: z.literal('state_patch'),
  patch: z.array(JsonPatchOperationSchema),
});
/** A named step begins. */
export const StepStartSchema = z.object({ type: z.literal('step_start'), stepName: z.string() });
/** A named step ends. */
export const StepEndSchema = z.object({ type: z.literal('step_end'), stepName: z.string() });
/** Token usage of one LLM call; summed per provider and model into `RUN_FINISHED.usage`. */
export const UsageEventSchema = z.object({ type: z.literal('usage'), usage: UsageSchema });
/**
 * One LLM request ended (whatever its outcome), for latency metrics; never sent to clients. The
 * model is the one requested (the usage event carries the one the endpoint reported).
 */
export const LlmCallSchema = z.object({
  type: z.literal('llm_call'),
  model: z.string(),
  outcome: z.enum(['success', 'error', 'cancelled']),
  durationMs: z.number().nonnegative(),
});
/** The agent failed; the run ends with `RUN_ERROR` carrying this code. */
export const AgentErrorSchema = z.object({
  type: z.literal('error'),
  code: ErrorCodeSchema,
  message: z.string(),
});
/** An application-defined event, passed through as AG-UI `CUSTOM`. */
export const CustomSchema = z.object({ type: z.literal('custom'), name: z.string(), value: z.unknown() });
/** How the run ends when the agent completes (default `{ type: "success" }`) and its result value. */
export const OutcomeSchema = z.object({
  type: z.literal('outcome'),
  outcome: RunFinishedOutcomeSchema,
  result: z.unknown().optional(),
  /** LLM calls made so far in this logical run (continuations included), kept for the next continuation. */
  iteration: z.number().int().nonnegative().optional(),
});

/** Any internal agent event. */
export const AgentEventSchema = z.discriminatedUnion('type', [
  TextDeltaSchema,
  TextEndSchema,
  ToolCallStartSchema,
  ToolCallArgsSchema,
  ToolCallEndSchema,
  ToolResultSchema,
  StateSnapshotSchema,
  StatePatchSchema,
  StepStartSchema,
  StepEndSchema,
  UsageEventSchema,
  LlmCallSchema,
  AgentErrorSchema,
  CustomSchema,
  OutcomeSchema,
]);

/** Any internal agent event. */
export type AgentEvent = z.infer<typeof AgentEventSchema>;
/** Token usage of one call. */
export type Usage = z.infer<typeof UsageSchema>;
