import {
  enforceOutgoingInput,
  HttpAgent,
  runHttpRequest,
  transformHttpEventStream,
  type HttpAgentConfig,
} from '@ag-ui/client';
import type { BaseEvent, RunAgentInput } from '@ag-ui/core';
import type { Observable } from 'rxjs';

/** `HttpAgentConfig` plus where and how to connect. */
export interface BridgeAgentConfig extends HttpAgentConfig {
  /** The agent's connect endpoint; default: `url` with its trailing `/run` replaced by `/connect`. */
  connectUrl?: string;
  /** Ask the bridge to compact finished runs (one content event per message, one state snapshot). */
  compact?: boolean;
}

/**
 * An `HttpAgent` for the bridge whose `connectAgent()` restores a thread: it posts to
 * `POST /agent/:agentId/connect` and applies the replayed history (each run's messages, including
 * what clients sent, and its state), then the in-flight run live until it ends.
 *
 * ```ts
 * const agent = new BridgeAgent({ url: 'http://127.0.0.1:8000/agent/demo/run', threadId });
 * await agent.connectAgent(); // agent.messages and agent.state are the thread's
 * await agent.runAgent();     // continues it
 * ```
 *
 * A thread the bridge does not know (404 `THREAD_NOT_FOUND`) restores nothing, without error: a
 * fresh chat can call `connectAgent()` unconditionally.
 */
export class BridgeAgent extends HttpAgent {
  connectUrl: string;
  compact: boolean;

  constructor(config: BridgeAgentConfig) {
    super(config);
    this.connectUrl = config.connectUrl ?? connectUrlFor(config.url);
    this.compact = config.compact ?? false;
  }

  protected override connect(input: RunAgentInput): Observable<BaseEvent> {
    // Its own controller, so `abortRun()` also ends a connect in progress.
    this.abortController = new AbortController();
    const url = this.compact ? withQuery(this.connectUrl, 'compact', 'true') : this.connectUrl;
    const http$ = runHttpRequest(async () => {
      const response = await this.fetch(url, this.requestInit(enforceOutgoingInput(input)));
      return (await isUnknownThread(response)) ? emptyEventStream() : response;
    });
    return transformHttpEventStream(http$, this.debugLogger);
  }

  override clone(): BridgeAgent {
    const cloned = super.clone() as BridgeAgent;
    cloned.connectUrl = this.connectUrl;
    cloned.compact = this.compact;
    return cloned;
  }
}

function connectUrlFor(runUrl: string): string {
  const url = new URL(runUrl);
  if (!/\/run\/?$/.test(url.pathname)) {
    throw new Error(`BridgeAgent: cannot derive the connect URL from ${runUrl}; pass connectUrl`);
  }
  url.pathname = url.pathname.replace(/\/run\/?$/, '/connect');
  return url.toString();
}

function withQuery(base: string, name: string, value: string): string {
  const url = new URL(base);
  url.searchParams.set(name, value);
  return url.toString();
}

async function isUnknownThread(response: Response): Promise<boolean> {
  if (response.status !== 404) return false;
  try {
    const body = (await response.clone().json()) as { error?: { code?: unknown } };
    return body.error?.code === 'THREAD_NOT_FOUND';
  } catch {
    return false;
  }
}

function emptyEventStream(): Response {
  return new Response('', { status: 200, headers: { 'content-type': 'text/event-stream' } });
}
