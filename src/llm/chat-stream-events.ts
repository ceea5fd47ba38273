import { z } from 'zod';
import type { AgentEvent, Usage } from '../protocol/agent-event.js';
import { LlmError } from '../protocol/bridge-error.js';

// The SDK only JSON-parses chunks; this schema is where an endpoint's output is checked (lenient on
// extras, strict on what the loop relies on).
const ToolCallDeltaSchema = z.object({
  index: z.int().nonnegative(),
  id: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});
const ChoiceSchema = z.object({
  index: z.int().nonnegative().optional(),
  delta: z
    .object({
      content: z.string().nullish(),
      refusal: z.string().nullish(),
      tool_calls: z.array(ToolCallDeltaSchema).nullish(),
    })
    .nullish(),
  finish_reason: z.string().nullish(),
});
const ChunkUsageSchema = z.object({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number().nullish(),
  prompt_tokens_details: z
    .object({ cached_tokens: z.number().nullish(), cache_write_tokens: z.number().nullish() })
    .nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: z.number().nullish() }).nullish(),
});
const ChunkSchema = z.object({
  model: z.string().nullish(),
  choices: z.array(ChoiceSchema).nullish(),
  usage: ChunkUsageSchema.nullish(),
});

/** A tool call the model made, arguments complete (as the raw JSON text the model wrote). */
export interface AssistantToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One assembled assistant turn: what the loop appends to the conversation. */
export interface AssistantTurn {
  messageId: string;
  content: string;
  toolCalls: AssistantToolCall[];
  finishReason: string;
  usage?: Usage;
}

/** What `chatStreamEvents` needs besides the chunks. */
export interface ChatStreamOptions {
  /** The id of this turn's assistant message: text deltas and tool calls' `parentMessageId` use it. */
  messageId: string;
  /** `TokenUsage.provider` for the usage event. */
  provider: string;
  /** Receives each event as soon as its chunk arrives. */
  emit: (event: AgentEvent) => void;
}

/**
 * Reads one streamed chat-completions turn, emitting text, tool-call and usage events as chunks
 * arrive, and resolves to the assembled turn; a malformed chunk or a stream that ends before the
 * model finished rejects with LlmError.
 */
export async function chatStreamEvents(
  chunks: AsyncIterable<unknown>,
  options: ChatStreamOptions,
): Promise<AssistantTurn> {
  const turn = new TurnBuilder(options);
  for await (const raw of chunks) {
    const parsed = ChunkSchema.safeParse(raw);
    if (!parsed.success) throw new LlmError('The LLM endpoint sent a malformed stream chunk', parsed.error);
    turn.add(parsed.data);
  }
  return turn.finish();
}

type Chunk = z.infer<typeof ChunkSchema>;
type ToolCallDelta = z.infer<typeof ToolCallDeltaSchema>;

/** Accumulates one turn's chunks, emitting as it goes. */
class TurnBuilder {
  private readonly calls = new Map<number, AssistantToolCall>();
  private content = '';
  private finishReason: string | undefined;
  private usage: Usage | undefined;

  constructor(private readonly options: ChatStreamOptions) {}

  add(chunk: Chunk): void {
    // Only choice 0 is read: the bridge never asks for n > 1.
    const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
    this.addText(choice?.delta?.content);
    this.addText(choice?.delta?.refusal);
    for (const delta of choice?.delta?.tool_calls ?? []) this.addToolCall(delta);
    if (choice?.finish_reason) this.finishReason = choice.finish_reason;
    if (chunk.usage) this.usage = toUsage(chunk.usage, this.options.provider, chunk.model ?? undefined);
  }

  finish(): AssistantTurn {
    const { messageId, emit } = this.options;
    // Without a finish_reason the connection was cut short: treating a partial answer as complete would hide it.
    if (this.finishReason === undefined) {
      throw new LlmError('The LLM stream ended before the model finished its answer');
    }
    const toolCalls = [...this.calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
    for (const call of toolCalls) emit({ type: 'tool_call_end', toolCallId: call.id });
    if (this.content !== '') emit({ type: 'text_end', messageId });
    if (this.usage) emit({ type: 'usage', usage: this.usage });
    const usage = this.usage ? { usage: this.usage } : {};
    return { messageId, content: this.content, toolCalls, finishReason: this.finishReason, ...usage };
  }

  private addText(delta: string | null | undefined): void {
    if (!delta) return;
    this.content += delta;
    this.options.emit({ type: 'text_delta', messageId: this.options.messageId, delta });
  }

  private addToolCall(delta: ToolCallDelta): void {
    const { messageId, emit } = this.options;
    let call = this.calls.get(delta.index);
    if (!call) {
      const name = delta.function?.name;
      if (!delta.id || !name) {
        throw new LlmError(`The LLM endpoint streamed tool call #${delta.index} without an id and name`);
      }
      call = { id: delta.id, name, arguments: '' };
      this.calls.set(delta.index, call);
      emit({ type: 'tool_call_start', toolCallId: call.id, toolName: name, parentMessageId: messageId });
    }
    const args = delta.function?.arguments;
    if (args) {
      call.arguments += args;
      emit({ type: 'tool_call_args', toolCallId: call.id, delta: args });
    }
  }
}

function toUsage(raw: z.infer<typeof ChunkUsageSchema>, provider: string, model: string | undefined): Usage {
  const cached = raw.prompt_tokens_details?.cached_tokens;
  const cacheWrite = raw.prompt_tokens_details?.cache_write_tokens;
  const reasoning = raw.completion_tokens_details?.reasoning_tokens;
  return {
    provider,
    ...(model ? { model } : {}),
    inputTokens: raw.prompt_tokens,
    outputTokens: raw.completion_tokens,
    totalTokens: raw.total_tokens ?? raw.prompt_tokens + raw.completion_tokens,
    ...(cached != null ? { cachedInputTokens: cached } : {}),
    ...(cacheWrite != null ? { cacheWriteInputTokens: cacheWrite } : {}),
    ...(reasoning != null ? { reasoningTokens: reasoning } : {}),
  };
}
