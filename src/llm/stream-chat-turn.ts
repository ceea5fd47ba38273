import type OpenAI from 'openai';
import type {
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { LlmError } from '../protocol/bridge-error.js';
import { chatStreamEvents, type AssistantTurn, type ChatStreamOptions } from './chat-stream-events.js';
import { toLlmError } from './to-llm-error.js';

/** One chat-completions call: the model and what it sees. */
export interface ChatTurnRequest {
  model: string;
  messages: ChatCompletionMessageParam[];
  tools: ChatCompletionFunctionTool[];
}

/** What `streamChatTurn` needs besides the request. */
export interface StreamChatTurnOptions extends ChatStreamOptions {
  /** Aborted when the run is cancelled: the request is aborted and the turn resolves to null. */
  signal: AbortSignal;
  /** Longest silence allowed between streamed chunks (the SDK's own timeout stops at the headers). */
  idleTimeoutMs: number;
  /** Values redacted from error messages (API keys). */
  secrets?: readonly string[];
}

/**
 * Streams one assistant turn, emitting its events as chunks arrive; resolves to the turn, or to
 * null when `signal` aborted it; every upstream failure, stall included, rejects with LlmError.
 */
export async function streamChatTurn(
  client: OpenAI,
  request: ChatTurnRequest,
  options: StreamChatTurnOptions,
): Promise<AssistantTurn | null> {
  const idle = new AbortController();
  const signal = AbortSignal.any([options.signal, idle.signal]);
  const started = performance.now();
  const ended = (outcome: 'success' | 'error' | 'cancelled'): void =>
    options.emit({
      type: 'llm_call',
      model: request.model,
      outcome,
      durationMs: performance.now() - started,
    });
  try {
    const stream = await client.chat.completions.create(
      {
        model: request.model,
        messages: request.messages,
        // Some endpoints reject an empty `tools` array, so none means the key is left out.
        ...(request.tools.length > 0 ? { tools: request.tools } : {}),
        stream: true,
        stream_options: { include_usage: true },
      },
      { signal },
    );
    const turn = await chatStreamEvents(
      withIdleTimeout(stream, options.idleTimeoutMs, () => idle.abort()),
      options,
    );
    ended(options.signal.aborted ? 'cancelled' : 'success');
    return turn;
  } catch (error) {
    ended(options.signal.aborted ? 'cancelled' : 'error');
    // An aborted SDK stream ends quietly or throws an abort error; which signal fired decides what it means.
    if (options.signal.aborted) return null;
    if (idle.signal.aborted) {
      throw new LlmError(`The LLM stream stalled: nothing received for ${options.idleTimeoutMs} ms`, error);
    }
    throw toLlmError(error, options.secrets);
  }
}

async function* withIdleTimeout<T>(
  source: AsyncIterable<T>,
  ms: number,
  onIdle: () => void,
): AsyncGenerator<T> {
  let timer = setTimeout(onIdle, ms);
  try {
    for await (const item of source) {
      clearTimeout(timer);
      yield item;
      timer = setTimeout(onIdle, ms);
    }
  } finally {
    clearTimeout(timer);
  }
}
