import type { z } from 'zod';
import { AgentDefinitionSchema, type AgentDefinition } from './agent-definition.js';
import type { AgentOverride, ToolOverride } from './agent-override.js';

/** A problem with a definition, by field path (`tools.0.approval`), as in INVALID_INPUT details. */
export interface DefinitionIssue {
  path: string;
  message: string;
  code: string;
}

/** The effective definition, or every reason there is none. */
export type MergeResult =
  { ok: true; definition: AgentDefinition } | { ok: false; issues: DefinitionIssue[] };

type Raw = Record<string, unknown>;

/**
 * The effective definition of agent `id`: the stored override's fields over the template's over the
 * schema defaults, field by field. `tools` merge by name: an entry naming a template tool changes
 * only the fields it sets (`remove: true` drops it), any other entry adds a tool. `null` unsets.
 * Issues name the override's fields (a tool's index is its index in the override's `tools`).
 */
export function mergeAgentDefinition(
  id: string,
  override: AgentOverride,
  template?: AgentDefinition,
): MergeResult {
  const { id: _id, extends: _extends, tools: toolOverrides, ...fields } = override;
  const merged: Raw = withoutNulls({ ...template, ...fields, id });
  const tools = mergeTools(template?.tools ?? [], toolOverrides ?? []);
  merged.tools = tools.tools;
  const parsed = AgentDefinitionSchema.safeParse(merged);
  const issues = [...tools.issues, ...(parsed.success ? [] : parsed.error.issues.map(toIssue(tools.origin)))];
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  return { ok: true, definition: parsed.data };
}

/** Zod issues as DefinitionIssues, merged tool indexes mapped back to the override's. */
export function toDefinitionIssues(error: z.ZodError): DefinitionIssue[] {
  return error.issues.map(toIssue([]));
}

function mergeTools(
  templateTools: AgentDefinition['tools'],
  overrides: ToolOverride[],
): { tools: Raw[]; origin: (number | undefined)[]; issues: DefinitionIssue[] } {
  const byName = new Map(overrides.map((entry, index) => [entry.name, { entry, index }]));
  const tools: Raw[] = [];
  const origin: (number | undefined)[] = [];
  for (const tool of templateTools) {
    const change = byName.get(tool.name);
    byName.delete(tool.name);
    if (change?.entry.remove) continue;
    tools.push(change ? withoutNulls({ ...tool, ...change.entry }) : { ...tool });
    origin.push(change?.index);
  }
  const issues: DefinitionIssue[] = [];
  // What is left names no template tool: a new tool, unless it asks to remove one.
  for (const { entry, index } of byName.values()) {
    if (entry.remove) {
      issues.push({
        path: `tools.${index}.name`,
        message: `No tool "${entry.name}" in the template to remove`,
        code: 'custom',
      });
      continue;
    }
    tools.push(withoutNulls({ ...entry }));
    origin.push(index);
  }
  return { tools, origin, issues };
}

function toIssue(origin: (number | undefined)[]) {
  return (issue: z.core.$ZodIssue): DefinitionIssue => {
    const path = [...issue.path];
    if (path[0] === 'tools' && typeof path[1] === 'number') path[1] = origin[path[1]] ?? path[1];
    return { path: path.map(String).join('.'), message: issue.message, code: issue.code };
  };
}

function withoutNulls(value: Raw): Raw {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));
}
