import type { EventLog, LoggedEvent } from '../../src/store/event-log.js';

/** An EventLog in memory, for unit tests of what reads it; `reads` counts `read` calls. */
export function createInMemoryEventLog(): EventLog & { reads: number; all(threadId: string): LoggedEvent[] } {
  const threads = new Map<string, LoggedEvent[]>();
  const log = {
    reads: 0,
    lastSeq: async (threadId: string) => threads.get(threadId)?.at(-1)?.seq ?? 0,
    async append(threadId: string, events: readonly LoggedEvent[]) {
      const list = threads.get(threadId) ?? [];
      for (const event of events) {
        if (event.seq !== (list.at(-1)?.seq ?? 0) + 1)
          throw new Error(`seq ${event.seq} does not continue the log`);
        list.push(event);
      }
      threads.set(threadId, list);
    },
    async read(threadId: string, afterSeq: number, limit: number) {
      log.reads++;
      return (threads.get(threadId) ?? []).filter((e) => e.seq > afterSeq).slice(0, limit);
    },
    all: (threadId: string) => [...(threads.get(threadId) ?? [])],
  };
  return log;
}
