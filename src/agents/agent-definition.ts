import { z } from 'zod';
import { isDuration } from './duration.js';

// Objects are strict: a misspelt key such as `aproval: always` must fail loudly, not run the tool unapproved.

const HttpUrlSchema = z.url({ protocol: /^https?$/, error: 'Invalid URL: expected an http(s) URL' });

/** How the bridge executes a backend tool: POST the call as JSON to `url`. */
export const HttpToolHandlerSchema = z.strictObject({
  type: z.literal('http'),
  url: HttpUrlSchema,
  timeoutMs: z.int().positive().optional(),
});

/** A tool's field schemas without defaults: stored overrides (agent-override.ts) reuse them. */
export const toolFields = {
  // The OpenAI function-name rule, checked here so a bad name fails at load time, not on the first run.
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Invalid tool name: use 1-64 letters, digits, _ or -'),
  description: z.string().min(1),
  // A JSON Schema for the arguments; function calling requires an object schema.
  parameters: z.looseObject({ type: z.literal('object') }),
  handler: HttpToolHandlerSchema,
  approval: z.enum(['never', 'always']),
  approvalTtl: z
    .string()
    .refine(isDuration, 'Invalid duration: expected a whole number and a unit, e.g. 30s, 15m, 2h or 7d'),
};

/** A backend tool of an LLM agent, executed by the bridge. */
export const ToolDefinitionSchema = z.strictObject({
  ...toolFields,
  parameters: toolFields.parameters.default({ type: 'object', properties: {} }),
  approval: toolFields.approval.default('never'),
  approvalTtl: toolFields.approvalTtl.optional(),
});

/** An agent's field schemas without defaults: stored overrides (agent-override.ts) reuse them. */
export const agentFields = {
  id: z.string().regex(/^[A-Za-z0-9_-]+$/, 'Invalid id: use only letters, digits, _ and - (URL-safe)'),
  name: z.string().min(1),
  description: z.string(),
  model: z.string().min(1),
  baseUrl: HttpUrlSchema,
  apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'Invalid environment variable name'),
  systemPrompt: z.string(),
  maxIterations: z.int().min(1),
  /** A run while the thread is busy: `reject` answers 409 THREAD_BUSY, `enqueue` waits its turn. */
  concurrency: z.enum(['reject', 'enqueue']),
};

/** One LLM agent of the agents file. */
export const AgentDefinitionSchema = z
  .strictObject({
    ...agentFields,
    baseUrl: agentFields.baseUrl.optional(),
    apiKeyEnv: agentFields.apiKeyEnv.optional(),
    systemPrompt: agentFields.systemPrompt.optional(),
    maxIterations: agentFields.maxIterations.default(8),
    concurrency: agentFields.concurrency.default('reject'),
    tools: z.array(ToolDefinitionSchema).default([]),
  })
  .superRefine((agent, ctx) => reportDuplicateToolNames(agent.tools, ctx));

/** Adds an issue at `tools.<index>.name` for every tool name seen before. */
export function reportDuplicateToolNames(tools: { name: string }[], ctx: z.RefinementCtx): void {
  reportDuplicates(
    tools.map((tool) => tool.name),
    (name, index) =>
      ctx.addIssue({
        code: 'custom',
        path: ['tools', index, 'name'],
        message: `Duplicate tool name "${name}"`,
      }),
  );
}

/** The whole `BRIDGE_AGENTS_FILE`: a list of agents with unique ids. */
export const AgentsFileSchema = z
  .strictObject({ agents: z.array(AgentDefinitionSchema) })
  .superRefine((file, ctx) => {
    reportDuplicates(
      file.agents.map((agent) => agent.id),
      (id, index) =>
        ctx.addIssue({
          code: 'custom',
          path: ['agents', index, 'id'],
          message: `Duplicate agent id "${id}"`,
        }),
    );
  });

function reportDuplicates(values: string[], report: (value: string, index: number) => void): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) report(value, index);
    seen.add(value);
  });
}

/** How a backend tool is executed. */
export type HttpToolHandlerConfig = z.infer<typeof HttpToolHandlerSchema>;
/** A backend tool of an LLM agent, defaults applied. */
export type ToolDefinition = z.infer<typeof ToolDefinitionSchema>;
/** One LLM agent, defaults applied. */
export type AgentDefinition = z.infer<typeof AgentDefinitionSchema>;
/** The parsed agents file. */
export type AgentsFile = z.infer<typeof AgentsFileSchema>;
