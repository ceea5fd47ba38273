import { EventType, type BaseEvent, type Message } from '@ag-ui/core';
import type { EventLog } from '../store/event-log.js';
import type { ThreadStore } from '../store/thread-store.js';

/**
 * Restores, for a replayed history, the messages no event carries: what clients sent (user,
 * system, tool answers). The log holds only what agents produced, so each replayed `RUN_STARTED`
 * gets an `input` echo with the stored messages that come before that run's first produced message
 * (the AG-UI way to put a run's input on the wire; `@ag-ui/client` adds them by id, in order).
 * A fresh client that applies the whole stream ends with the stored conversation, in stored order.
 */
export interface InputEcho {
  /** The last `seq` scanned for produced message ids. */
  readonly scannedSeq: number;
  /** Re-reads the stored conversation, then scans the log further for produced ids. */
  refresh(): Promise<void>;
  /** The messages to echo on the next run's `RUN_STARTED`, in order; they count as known after. */
  takeInputs(): Message[];
  /** Records the message ids an event gives the client. */
  observe(event: BaseEvent): void;
}

/** The echo over a thread's stored messages and event log. */
export function createInputEcho(deps: {
  log: EventLog;
  threads: Pick<ThreadStore, 'messages'>;
  threadId: string;
  pageSize: number;
}): InputEcho {
  let messages: Message[] = [];
  let cursor = 0;
  let scannedSeq = 0;
  const produced = new Set<string>();
  const known = new Set<string>();

  return {
    get scannedSeq() {
      return scannedSeq;
    },
    async refresh() {
      // Messages first: every produced message they hold was logged before it was stored, so the
      // scan that follows sees its events.
      messages = await deps.threads.messages(deps.threadId);
      for (;;) {
        const page = await deps.log.read(deps.threadId, scannedSeq, deps.pageSize);
        for (const logged of page) {
          if (PRODUCING.has(logged.type)) {
            for (const id of producedIds(JSON.parse(logged.json) as BaseEvent)) produced.add(id);
          }
          scannedSeq = logged.seq;
        }
        if (page.length < deps.pageSize) return;
      }
    },
    takeInputs() {
      const inputs: Message[] = [];
      for (; cursor < messages.length; cursor++) {
        const message = messages[cursor]!;
        if (known.has(message.id)) continue;
        // The first message an event will create: what follows it belongs to a later run.
        if (produced.has(message.id)) break;
        inputs.push(message);
        known.add(message.id);
      }
      return inputs;
    },
    observe(event) {
      for (const id of producedIds(event)) known.add(id);
    },
  };
}

const PRODUCING = new Set<string>([
  EventType.TEXT_MESSAGE_START,
  EventType.TOOL_CALL_START,
  EventType.TOOL_CALL_RESULT,
]);

/** Ids of messages an event may create on the client (a superset: tool calls may attach elsewhere). */
function producedIds(event: BaseEvent): string[] {
  const e = event as BaseEvent & { messageId?: string; toolCallId?: string; parentMessageId?: string };
  switch (event.type) {
    case EventType.TEXT_MESSAGE_START:
    case EventType.TOOL_CALL_RESULT:
      return e.messageId ? [e.messageId] : [];
    case EventType.TOOL_CALL_START:
      return [e.toolCallId, e.parentMessageId].filter((id): id is string => typeof id === 'string');
    default:
      return [];
  }
}
