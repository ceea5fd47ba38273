import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BatchResult, LoadJob } from './load-client.js';

/** The forked load client, driven from the bench process. */
export interface LoadClient {
  /** Runs one batch in the client process. */
  run(job: Omit<LoadJob, 'id'>): Promise<BatchResult>;
  close(): void;
}

type Reply = { id: number; result: BatchResult } | { id: number; error: string };

/** Forks `bench/load-client.ts` (through tsx) as a process of its own. */
export function startLoadClient(): LoadClient {
  const child = fork(fileURLToPath(new URL('./load-client.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve(r: BatchResult): void; reject(e: Error): void }>();
  let nextId = 1;
  child.on('message', (reply: Reply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if ('error' in reply) waiter?.reject(new Error(reply.error));
    else waiter?.resolve(reply.result);
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`load client exited (${code})`));
    pending.clear();
  });
  return {
    run(job) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ ...job, id });
      });
    },
    close: () => child.disconnect(),
  };
}
