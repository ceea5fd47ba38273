import {
  EventType,
  type AssistantMessage,
  type BaseEvent,
  type Message,
  type ToolCall,
  type ToolMessage,
} from '@ag-ui/core';

/** Messages a run produced, built from its AG-UI events the way `@ag-ui/client` builds them. */
export interface MessageAccumulator {
  apply(event: BaseEvent): void;
  /** The run's new messages in conversation order. */
  messages(): Message[];
  /** Tool calls started in this run, in order, with their complete arguments. */
  toolCalls(): { toolCallId: string; name: string; args: string }[];
  /** Ids of tool calls that got a TOOL_CALL_RESULT in this run. */
  answered(): ReadonlySet<string>;
}

/**
 * Builds a run's messages with the same ids and placement rules as `@ag-ui/client`'s
 * `defaultApplyEvents`, so the messages a client sends back on its next run match the stored ones
 * by id. Constant work per event: lookups are by map, text is appended.
 *
 * `known` holds assistant messages already in the conversation (tool calls may attach to them).
 */
export function createMessageAccumulator(
  known: ReadonlyMap<string, Message> = new Map(),
): MessageAccumulator {
  const produced: Message[] = [];
  const byId = new Map<string, Message>();
  // Each call by its id, as held in its owner's `toolCalls`: argument deltas append in place.
  const calls = new Map<string, ToolCall>();
  const callOrder: string[] = [];
  const answered = new Set<string>();

  const assistantFor = (toolCallId: string, parentMessageId: string | undefined): AssistantMessage => {
    if (parentMessageId) {
      const existing = byId.get(parentMessageId) ?? known.get(parentMessageId);
      if (existing?.role === 'assistant') {
        if (!byId.has(existing.id)) {
          // A call attached to an earlier run's message: the copy we store replaces that message.
          const copy: AssistantMessage = { ...existing, toolCalls: [...(existing.toolCalls ?? [])] };
          byId.set(copy.id, copy);
          produced.push(copy);
          return copy;
        }
        return existing;
      }
    }
    const id =
      parentMessageId && !byId.has(parentMessageId) && !known.has(parentMessageId)
        ? parentMessageId
        : toolCallId;
    const message: AssistantMessage = { id, role: 'assistant', toolCalls: [] };
    byId.set(id, message);
    produced.push(message);
    return message;
  };

  return {
    apply(event) {
      const e = event as BaseEvent & Record<string, string | undefined>;
      switch (event.type) {
        case EventType.TEXT_MESSAGE_START: {
          const id = e.messageId as string;
          if (byId.has(id)) return;
          const message = {
            id,
            role: (e.role ?? 'assistant') as 'assistant',
            content: '',
          } as AssistantMessage;
          byId.set(id, message);
          produced.push(message);
          return;
        }
        case EventType.TEXT_MESSAGE_CONTENT: {
          const message = byId.get(e.messageId as string);
          if (
            message &&
            (message.role === 'assistant' || message.role === 'user' || message.role === 'system')
          ) {
            const assistant = message as AssistantMessage;
            if (assistant.content === undefined && assistant.toolCalls) {
              // Text after a tool call on one message: `content` goes before `toolCalls`, where the
              // protocol's schema puts it (see TOOL_CALL_RESULT below). Rare: once per such message.
              const toolCalls = assistant.toolCalls;
              delete assistant.toolCalls;
              assistant.content = e.delta;
              assistant.toolCalls = toolCalls;
            } else assistant.content = `${message.content ?? ''}${e.delta}`;
          }
          return;
        }
        case EventType.TOOL_CALL_START: {
          const toolCallId = e.toolCallId as string;
          const owner = assistantFor(toolCallId, e.parentMessageId);
          const call: ToolCall = {
            id: toolCallId,
            type: 'function',
            function: { name: e.toolCallName as string, arguments: '' },
          };
          owner.toolCalls = owner.toolCalls ?? [];
          owner.toolCalls.push(call);
          calls.set(toolCallId, call);
          callOrder.push(toolCallId);
          return;
        }
        case EventType.TOOL_CALL_ARGS: {
          const call = calls.get(e.toolCallId as string);
          if (call) call.function.arguments += e.delta;
          return;
        }
        case EventType.TOOL_CALL_RESULT: {
          // Keys in the order the protocol's schema gives a validated input's message: the
          // stored JSON reads as a validated input would (a begin compares JSON values, in any
          // key order, stored-conversations.ts).
          const message: ToolMessage = {
            id: e.messageId as string,
            role: 'tool',
            content: e.content as string,
            toolCallId: e.toolCallId as string,
          };
          byId.set(message.id, message);
          produced.push(message);
          answered.add(message.toolCallId);
          return;
        }
        default:
          return;
      }
    },
    messages: () => produced,
    toolCalls: () =>
      callOrder.map((toolCallId) => {
        const call = calls.get(toolCallId);
        return { toolCallId, name: call?.function.name ?? '', args: call?.function.arguments ?? '' };
      }),
    answered: () => answered,
  };
}
