import { contestantByKey } from './contestants.js';
import { settledMemory, type MemorySample } from './process-memory.js';
import { runGate } from './run-shape.js';
import type { ServerUnderTest } from './servers/server-under-test.js';

/**
 * Figure 5's host (forked by `startMemoryHost`): one contestant's server in a process of its own,
 * so the memory it samples is that server's and nothing else's (in the bench process, memory that
 * servers measured before freed and handed back to the system could make a delta read below zero).
 */

/**
 * What the bench asks the host: start the contestant `key` on `settings` (its backing), sample the
 * memory after full collections, open or close the hold gate, stop the server.
 */
export type HostCommand =
  | { kind: 'start'; key: string; settings?: Record<string, string> }
  | { kind: 'sample' }
  | { kind: 'gate'; open: boolean }
  | { kind: 'stop' };

/** A command as sent, answered by a `HostReply` with the same id. */
export type HostRequest = HostCommand & { id: number };

/** The answer to a `start`: where the server listens and what it serves. */
export type HostStarted = Pick<ServerUnderTest, 'url' | 'features'>;

/** The answer to a `stop`: the errors the server logged, and why closing it failed, if it did. */
export interface HostStopped {
  problems: string[];
  closeError?: string;
}

/** The answer to a request: its result (`HostStarted`, `MemorySample`, `HostStopped`), or why it failed. */
export type HostReply = { id: number } & (
  { result: HostStarted | MemorySample | HostStopped | null } | { error: string }
);

let server: ServerUnderTest | undefined;

async function answer(request: HostRequest): Promise<HostStarted | MemorySample | HostStopped | null> {
  switch (request.kind) {
    case 'start': {
      if (server) throw new Error('the host already runs a server');
      server = await contestantByKey(request.key).start(request.settings);
      return { url: server.url, ...(server.features ? { features: server.features } : {}) };
    }
    case 'sample':
      return settledMemory();
    case 'gate':
      if (request.open) runGate.open();
      else runGate.close();
      return null;
    case 'stop': {
      const stopping = server;
      server = undefined;
      const closeError = await stopping?.close().then(
        () => undefined,
        (error: unknown) => String(error),
      );
      // Read after closing: what went wrong while closing counts too.
      const problems = stopping?.problems?.() ?? [];
      return closeError ? { problems, closeError } : { problems };
    }
  }
}

if (process.send) {
  process.on('message', (request: HostRequest) => {
    const reply = (body: HostReply): void => void process.send?.(body);
    answer(request).then(
      (result) => reply({ id: request.id, result }),
      (error: unknown) => reply({ id: request.id, error: String(error) }),
    );
  });
  // The bench is done with it (or went away): runs still in flight do not keep it alive.
  process.on('disconnect', () => process.exit(0));
}
