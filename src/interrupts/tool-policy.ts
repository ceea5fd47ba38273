import type { ToolCallKind } from '../protocol/thread-snapshot.js';

/** What the bridge knows about one backend tool of an agent. */
export interface BackendToolPolicy {
  name: string;
  approval: 'never' | 'always';
  /** How long an approval stays answerable, in milliseconds. */
  approvalTtlMs?: number;
}

/**
 * Classifies a tool call. A tool the run's input declares is a frontend tool, even when the agent
 * has a backend tool of the same name: the app asked to handle it itself in this run.
 * `undefined` means no such tool (the model invented it).
 */
export function classifyToolCall(
  name: string,
  frontendNames: ReadonlySet<string>,
  backend: ReadonlyMap<string, BackendToolPolicy>,
): ToolCallKind | undefined {
  if (frontendNames.has(name)) return 'frontend';
  const tool = backend.get(name);
  if (!tool) return undefined;
  return tool.approval === 'always' ? 'approval' : 'backend';
}
