import type { HttpToolHandlerConfig } from './agent-definition.js';

/** One backend tool call to execute. */
export interface ToolInvocation {
  toolCallId: string;
  threadId: string;
  runId: string;
  name: string;
  /** The arguments as the model wrote them (JSON text, possibly invalid). */
  arguments: string;
  /** The run's signal: cancelling the run abandons the call. */
  signal: AbortSignal;
}

/** Executes a backend tool and resolves to the result text for the model; failures become error results, never rejections. */
export type ToolHandler = (invocation: ToolInvocation) => Promise<string>;

/** What the HTTP handler needs from outside. */
export interface HttpToolHandlerDeps {
  fetch?: typeof fetch;
}

/** Used when a tool's handler sets no `timeoutMs`. */
export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;
const MAX_BODY_IN_ERROR = 200;

/** A ToolHandler that POSTs `{ toolCallId, threadId, runId, name, args }` to the configured URL and returns its JSON answer. */
export function createHttpToolHandler(
  config: HttpToolHandlerConfig,
  deps: HttpToolHandlerDeps = {},
): ToolHandler {
  const fetchFn = deps.fetch ?? fetch;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  return async (call) => {
    const args = parseJson(call.arguments.trim() === '' ? '{}' : call.arguments);
    if (!args.ok) return errorResult(`Tool ${call.name} was called with arguments that are not valid JSON`);
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetchFn(config.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          toolCallId: call.toolCallId,
          threadId: call.threadId,
          runId: call.runId,
          name: call.name,
          args: args.value,
        }),
        signal: AbortSignal.any([call.signal, timeout]),
      });
      const text = await response.text();
      if (!response.ok)
        return errorResult(`Tool ${call.name} failed: HTTP ${response.status} ${excerpt(text)}`.trimEnd());
      const answer = parseJson(text);
      if (!answer.ok) return errorResult(`Tool ${call.name} failed: its answer is not JSON`);
      return JSON.stringify(answer.value);
    } catch (error) {
      if (timeout.aborted) return errorResult(`Tool ${call.name} failed: no answer within ${timeoutMs} ms`);
      if (call.signal.aborted) return errorResult(`Tool ${call.name} was cancelled with the run`);
      return errorResult(`Tool ${call.name} failed: ${networkReason(error)}`);
    }
  };
}

function errorResult(message: string): string {
  return JSON.stringify({ error: message });
}

// Tool answers are opaque to the bridge: valid JSON is the only rule, so no further schema applies.
function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function excerpt(text: string): string {
  return text.length > MAX_BODY_IN_ERROR ? `${text.slice(0, MAX_BODY_IN_ERROR)}…` : text;
}

/** Node's fetch reports "fetch failed" and hides the useful part (ECONNREFUSED...) in `cause`. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return `could not reach the tool endpoint (${cause.code})`;
  return 'could not reach the tool endpoint';
}
