import type { Message } from '@ag-ui/core';

/**
 * A thread's messages as the stores keep them (`MessageBatch`): rows appended in `seq` order, each
 * the JSON array of the messages one write stored (a run's begin or end), like the event log's
 * batches. Nothing is rewritten: a message stored again (edited by a client, updated by a later
 * run) is appended again, and the conversation keeps its first place and its last content.
 */
export function fromMessageBatches(rows: Iterable<{ data: string }>): Message[] {
  const messages: Message[] = [];
  const placeOf = new Map<string, number>();
  for (const row of rows) {
    for (const message of JSON.parse(row.data) as Message[]) {
      const place = placeOf.get(message.id);
      if (place === undefined) {
        placeOf.set(message.id, messages.length);
        messages.push(message);
      } else messages[place] = message;
    }
  }
  return messages;
}
