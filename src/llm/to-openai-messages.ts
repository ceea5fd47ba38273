import type { Context, Message, ToolMessage } from '@ag-ui/core';
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPartText,
  ChatCompletionMessageParam,
  ChatCompletionToolMessageParam,
} from 'openai/resources/chat/completions';

/** What goes before the conversation. */
export interface ConversationPreamble {
  systemPrompt?: string;
  /** AG-UI `RunAgentInput.context`: readable app state the model should know about. */
  context?: Context[];
}

// Sent when history holds a tool call nobody answered: the API rejects a call without a result.
const MISSING_RESULT = JSON.stringify({ error: 'No result was provided for this tool call' });

/**
 * Converts an AG-UI conversation to chat-completions messages, system prompt first; each assistant
 * tool call is followed by its tool message (a placeholder when unanswered), as the API requires.
 */
export function toOpenAiMessages(
  messages: Message[],
  preamble: ConversationPreamble = {},
): ChatCompletionMessageParam[] {
  const answers = new Map<string, ToolMessage>();
  for (const message of messages) if (message.role === 'tool') answers.set(message.toolCallId, message);
  const result: ChatCompletionMessageParam[] = [];
  const system = systemText(preamble);
  if (system) result.push({ role: 'system', content: system });
  for (const message of messages) {
    switch (message.role) {
      case 'system':
      case 'developer':
        // `developer` is newer than most OpenAI-compatible servers; `system` means the same to the model.
        result.push({ role: 'system', content: message.content });
        break;
      case 'user':
        result.push({ role: 'user', content: userContent(message.content) });
        break;
      case 'assistant':
        result.push(assistantMessage(message));
        for (const call of message.toolCalls ?? []) result.push(toolMessage(call.id, answers.get(call.id)));
        break;
      default:
        // Tool messages were placed after their call above; activity and reasoning messages are UI-only.
        break;
    }
  }
  return result;
}

function systemText({ systemPrompt, context }: ConversationPreamble): string {
  const parts = systemPrompt ? [systemPrompt] : [];
  if (context && context.length > 0) {
    parts.push(
      ['Context from the application:', ...context.map((c) => `- ${c.description}: ${c.value}`)].join('\n'),
    );
  }
  return parts.join('\n\n');
}

type Content = string | Array<{ type: string; text?: string }>;

function userContent(content: Content): string | ChatCompletionContentPartText[] {
  if (typeof content === 'string') return content;
  // Only text is forwarded: media parts need per-provider handling the bridge does not do yet.
  return content.flatMap((part) =>
    part.type === 'text' && part.text !== undefined ? [{ type: 'text', text: part.text }] : [],
  );
}

function textOf(content: Content): string {
  return typeof content === 'string' ? content : content.map((part) => part.text ?? '').join('');
}

function assistantMessage(
  message: Extract<Message, { role: 'assistant' }>,
): ChatCompletionAssistantMessageParam {
  const calls = message.toolCalls ?? [];
  return {
    role: 'assistant',
    content: message.content ?? (calls.length > 0 ? null : ''),
    ...(calls.length > 0
      ? {
          tool_calls: calls.map((c) => ({
            id: c.id,
            type: 'function' as const,
            function: { ...c.function },
          })),
        }
      : {}),
  };
}

function toolMessage(toolCallId: string, answer: ToolMessage | undefined): ChatCompletionToolMessageParam {
  if (!answer) return { role: 'tool', tool_call_id: toolCallId, content: MISSING_RESULT };
  const text = textOf(answer.content);
  const content = text === '' && answer.error ? JSON.stringify({ error: answer.error }) : text;
  return { role: 'tool', tool_call_id: toolCallId, content };
}
