import { z } from 'zod';
import { agentFields, reportDuplicateToolNames, toolFields } from './agent-definition.js';

// Stored definitions are partial: every field optional, no defaults (an absent field inherits),
// objects strict like the YAML's. `null` unsets an optional field the template sets.

/** Only variables named `*_API_KEY` may be named by a stored definition: the admin API must not
 * be a way to send DATABASE_URL or BRIDGE_API_KEYS to an endpoint of the caller's choosing. */
const StoredApiKeyEnvSchema = agentFields.apiKeyEnv.regex(
  /_API_KEY$/,
  'A stored definition may only name a variable ending in _API_KEY',
);

/** One entry of a stored definition's `tools`: a new tool, changes to the template's tool of that name, or its removal. */
export const ToolOverrideSchema = z
  .strictObject({
    name: toolFields.name,
    /** `true` drops the template's tool of this name; no other field may be set beside it. */
    remove: z.literal(true).optional(),
    description: toolFields.description.optional(),
    parameters: toolFields.parameters.optional(),
    handler: toolFields.handler.optional(),
    approval: toolFields.approval.optional(),
    approvalTtl: toolFields.approvalTtl.nullable().optional(),
  })
  .superRefine((tool, ctx) => {
    if (!tool.remove) return;
    for (const key of Object.keys(tool)) {
      if (key !== 'name' && key !== 'remove')
        ctx.addIssue({ code: 'custom', path: [key], message: 'A removed tool takes no other field' });
    }
  });

/** A definition stored through the admin API: fields over its template's (docs/agents.md). */
export const AgentOverrideSchema = z
  .strictObject({
    id: agentFields.id.optional(),
    /** The YAML agent whose definition this one starts from. */
    extends: agentFields.id.optional(),
    name: agentFields.name.optional(),
    description: agentFields.description.optional(),
    model: agentFields.model.optional(),
    baseUrl: agentFields.baseUrl.nullable().optional(),
    apiKeyEnv: StoredApiKeyEnvSchema.nullable().optional(),
    systemPrompt: agentFields.systemPrompt.nullable().optional(),
    maxIterations: agentFields.maxIterations.optional(),
    concurrency: agentFields.concurrency.optional(),
    tools: z.array(ToolOverrideSchema).optional(),
  })
  .superRefine((agent, ctx) => reportDuplicateToolNames(agent.tools ?? [], ctx));

/** A tool entry of a stored definition. */
export type ToolOverride = z.infer<typeof ToolOverrideSchema>;
/** A stored agent definition (an override of its template, or a whole agent). */
export type AgentOverride = z.infer<typeof AgentOverrideSchema>;
