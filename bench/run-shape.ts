import { performance } from 'node:perf_hooks';

/**
 * How a bench run is shaped, asked for in `forwardedProps` (and in the query, for the floor):
 * `benchEvents` events; `benchIntervalMs` between events (0: one synchronous burst); `benchHoldAfter`
 * events, then the run waits on the bench's gate (`runGate`) before the rest (memory per active run);
 * `benchStamp` for emit stamps in the events (latency).
 */
export interface RunShape {
  events: number;
  intervalMs: number;
  holdAfter?: number;
  /** Text deltas and state deltas carry their emit time (`emitStamp`) for the latency figures. */
  stamp?: boolean;
}

/** Events per run when the request does not say. */
const DEFAULT_EVENTS = 1000;

const positiveInt = (value: unknown, max: number): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? Math.min(value, max) : undefined;

/** The shape a run asks for, from `forwardedProps` (bounded: a bench run is never endless). */
export function requestedShape(forwardedProps: unknown): RunShape {
  const props = (forwardedProps ?? {}) as Record<string, unknown>;
  const holdAfter = positiveInt(props.benchHoldAfter, 1_000_000);
  return {
    events: positiveInt(props.benchEvents, 1_000_000) ?? DEFAULT_EVENTS,
    intervalMs: positiveInt(props.benchIntervalMs, 10_000) ?? 0,
    ...(holdAfter ? { holdAfter } : {}),
    ...(props.benchStamp === true ? { stamp: true } : {}),
  };
}

/** The shape as `forwardedProps` (what the load client sends). */
export function shapeProps(shape: RunShape): Record<string, number | boolean> {
  return {
    benchEvents: shape.events,
    ...(shape.intervalMs > 0 ? { benchIntervalMs: shape.intervalMs } : {}),
    ...(shape.holdAfter ? { benchHoldAfter: shape.holdAfter } : {}),
    ...(shape.stamp ? { benchStamp: true } : {}),
  };
}

/**
 * Epoch milliseconds with sub-millisecond resolution: the emit time the agents stamp into events
 * (`emitStamp`) and the arrival time the load client compares it with. The two processes'
 * offset is measured over IPC (`load-driver.ts`) and subtracted.
 */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

/** Runs held mid-run (`benchHoldAfter`) wait here until the bench opens the gate. */
export interface RunGate {
  /** Resolves when the gate is opened (at once when it is open). */
  wait(): Promise<void>;
  /** Releases every waiting run; later waits pass until `close`. */
  open(): void;
  /** Makes later waits wait again. */
  close(): void;
  /** Runs waiting right now. */
  readonly waiting: number;
}

function createRunGate(): RunGate {
  let opened = false;
  let waiters: (() => void)[] = [];
  return {
    wait() {
      if (opened) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    open() {
      opened = true;
      const released = waiters;
      waiters = [];
      for (const release of released) release();
    },
    close() {
      opened = false;
    },
    get waiting() {
      return waiters.length;
    },
  };
}

/**
 * The gate of this process, which its servers under test wait on: the bench process's, and figure
 * 5's host's (`bench/memory-host.ts`), which opens and closes it when the bench asks over IPC.
 */
export const runGate: RunGate = createRunGate();
