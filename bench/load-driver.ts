import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LatencyProbe } from './latency.js';
import type { BatchResult, DriverMessage, FanoutResult, RunsJob, SubscribeJob } from './load-client.js';
import { preciseNow } from './run-shape.js';

/** A job in flight that reports once it is in place (all runs started, all subscribers open). */
export interface StagedJob<T> {
  ready: Promise<void>;
  done: Promise<T>;
  /** Ends an idle job (idle subscribers close and report). */
  release(): void;
}

/** The forked load client, driven from the bench process. */
export interface LoadClient {
  /** Runs one batch in the client process. */
  run(job: Omit<RunsJob, 'kind'>): Promise<BatchResult>;
  /** Starts a batch of runs and reports when every run has sent `RUN_STARTED`. */
  start(job: Omit<RunsJob, 'kind'>): StagedJob<BatchResult>;
  /** Opens live subscribers of a thread. */
  subscribe(job: Omit<SubscribeJob, 'kind'>): StagedJob<FanoutResult>;
  /** Measures the client's clock against this process's (for latencies across processes). */
  probeClock(): Promise<LatencyProbe>;
  close(): void;
}

type Reply = { id: number } & ({ result: unknown } | { error: string } | { ready: true } | { now: number });

interface Waiter {
  resolve(result: unknown): void;
  reject(error: Error): void;
  ready?(): void;
}

/** Clock probes: the one with the shortest round trip bounds the offset best. */
const CLOCK_PROBES = 20;

/** Forks `bench/load-client.ts` (through tsx) as a process of its own. */
export function startLoadClient(): LoadClient {
  const child = fork(fileURLToPath(new URL('./load-client.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, Waiter>();
  let nextId = 1;
  child.on('message', (reply: Reply) => {
    const waiter = pending.get(reply.id);
    if ('ready' in reply) return waiter?.ready?.();
    pending.delete(reply.id);
    if ('error' in reply) waiter?.reject(new Error(reply.error));
    else waiter?.resolve('result' in reply ? reply.result : reply.now);
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`load client exited (${code})`));
    pending.clear();
  });
  const send = <T>(message: Omit<DriverMessage, 'id'>, ready?: () => void): [number, Promise<T>] => {
    const id = nextId++;
    const done = new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (r: unknown) => void, reject, ...(ready ? { ready } : {}) });
      child.send({ ...message, id });
    });
    return [id, done];
  };
  const staged = <T>(message: Omit<DriverMessage, 'id'>): StagedJob<T> => {
    let onReady!: () => void;
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    const [id, done] = send<T>(message, onReady);
    // A job that fails before it is in place must not leave `ready` waiting forever.
    const readyOrFailed = Promise.race([ready, done.then(() => undefined)]);
    return { ready: readyOrFailed, done, release: () => child.send({ kind: 'release', id }) };
  };
  return {
    run: (job) => send<BatchResult>({ ...job, kind: 'runs' })[1],
    start: (job) => staged<BatchResult>({ ...job, kind: 'runs' }),
    subscribe: (job) => staged<FanoutResult>({ ...job, kind: 'subscribe' }),
    async probeClock() {
      let best = { rtt: Number.POSITIVE_INFINITY, offsetMs: 0 };
      for (let i = 0; i < CLOCK_PROBES; i++) {
        const sent = preciseNow();
        const theirs = await send<number>({ kind: 'clock' })[1];
        const back = preciseNow();
        if (back - sent < best.rtt) best = { rtt: back - sent, offsetMs: theirs - (sent + back) / 2 };
      }
      return { offsetMs: best.offsetMs };
    },
    close: () => child.disconnect(),
  };
}
