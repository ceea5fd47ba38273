import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MemoryTarget } from './memory-figure.js';
import type { HostCommand, HostReply, HostStarted, HostStopped } from './memory-host.js';
import type { MemorySample } from './process-memory.js';
import type { Contestant } from './servers/server-under-test.js';

/** A contestant's server in figure 5's host, driven from the bench process. */
export interface MemoryHost extends MemoryTarget {
  /**
   * Stops the server, then its process (killed when it does not answer in time), then removes the
   * backing: what went wrong on the way, as lines for the results' errors (never throws).
   */
  stop(): Promise<string[]>;
}

/** How long the host may take to exit once the bench has let go of it. */
const EXIT_GRACE_MS = 5_000;

/** Requests to a forked host, each answered within `timeoutMs` or the host is killed. */
interface HostChannel {
  request<T>(command: HostCommand): Promise<T>;
  /** Lets go of the host (it exits on its own), killing it after `EXIT_GRACE_MS`. */
  release(): Promise<void>;
  /** Kills the host (when it is still running) and waits for it to be gone. */
  kill(): Promise<void>;
}

function hostChannel(child: ChildProcess, timeoutMs: number): HostChannel {
  const pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let gone: Error | undefined;
  let onGone!: () => void;
  const exited = new Promise<void>((resolve) => (onGone = resolve));
  const end = (reason: string): void => {
    gone ??= new Error(`the memory host ${reason}`);
    for (const waiter of pending.values()) waiter.reject(gone);
    pending.clear();
    onGone();
  };
  child.once('exit', (code, signal) => end(`exited (${signal ?? code})`));
  // A process that never started emits no `exit`; a failed send is reported to its request.
  child.on('error', (error) => {
    if (child.pid === undefined) end(`did not start: ${String(error)}`);
  });
  child.on('message', (reply: HostReply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if ('error' in reply) waiter?.reject(new Error(reply.error));
    else waiter?.resolve(reply.result);
  });
  const kill = async (): Promise<void> => {
    if (!gone) child.kill('SIGKILL');
    await exited;
  };
  const request = <T>(command: HostCommand): Promise<T> => {
    if (gone) return Promise.reject(gone);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the memory host did not answer ${command.kind} within ${timeoutMs / 1000} s`));
        void kill();
      }, timeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        pending.delete(id);
        reject(error);
      };
      pending.set(id, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result as T);
        },
        reject: fail,
      });
      child.send({ ...command, id }, (error) => {
        if (error) fail(error);
      });
    });
  };
  const release = async (): Promise<void> => {
    if (child.connected) child.disconnect();
    const late = setTimeout(() => void kill(), EXIT_GRACE_MS);
    await exited;
    clearTimeout(late);
  };
  return { request, release, kill };
}

/**
 * Forks `bench/memory-host.ts` (through tsx, as the load client is) and starts `contestant`'s
 * server in it, on a backing this process creates and removes: nothing is left behind when the
 * host has to be killed. A request the host does not answer within `timeoutMs` kills it.
 */
export async function startMemoryHost(contestant: Contestant, timeoutMs: number): Promise<MemoryHost> {
  const backing = await contestant.createBacking?.();
  const removeBacking = async (): Promise<string[]> =>
    (await backing?.remove().then(
      () => [],
      (error: unknown) => [`removing its backing: ${String(error)}`],
    )) ?? [];
  const child = fork(fileURLToPath(new URL('./memory-host.ts', import.meta.url)), [], {
    // V8 grows the young generation under load to 2 x 16 MB and hands it back a few seconds later,
    // with no collection asked for: up to 32 MB of RSS coming and going on its own, about what 1000
    // subscribers take. Held at 1 MB it moves too little to blur a delta; what a server keeps is the same.
    execArgv: ['--import', 'tsx', '--max-semi-space-size=1'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const host = hostChannel(child, timeoutMs);
  let started: HostStarted;
  try {
    started = await host.request<HostStarted>({
      kind: 'start',
      key: contestant.key,
      ...(backing ? { settings: backing.settings } : {}),
    });
  } catch (error) {
    await host.kill();
    await removeBacking();
    throw error;
  }
  return {
    ...started,
    sample: () => host.request<MemorySample>({ kind: 'sample' }),
    setGate: async (open) => {
      await host.request<null>({ kind: 'gate', open });
    },
    async stop() {
      const errors: string[] = [];
      try {
        const stopped = await host.request<HostStopped>({ kind: 'stop' });
        errors.push(...stopped.problems.map((p) => `server log: ${p}`));
        if (stopped.closeError) errors.push(`close: ${stopped.closeError}`);
        await host.release();
      } catch (error) {
        errors.push(String(error instanceof Error ? error.message : error));
      } finally {
        await host.kill();
      }
      return [...errors, ...(await removeBacking())];
    },
  };
}
