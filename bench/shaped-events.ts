import { defer, from, Observable } from 'rxjs';
import type { BaseEvent, RunAgentInput } from '@ag-ui/core';
import { scriptedAguiEvents } from './event-mix.js';
import { preciseNow, requestedShape, runGate, type RunShape } from './run-shape.js';

/**
 * Emits `items()` as a run of `shape` asks: one synchronous burst, or one item every
 * `intervalMs`, holding after `holdAfter` items until `runGate` opens. Items are pulled from the
 * iterator as they are emitted, so a generator that stamps the time stamps the emit time.
 */
export function shapedEvents<T>(items: () => Iterable<T>, shape: RunShape): Observable<T> {
  if (shape.intervalMs === 0 && shape.holdAfter === undefined) return defer(() => from(items()));
  return new Observable<T>((subscriber) => {
    const iterator = items()[Symbol.iterator]();
    let emitted = 0;
    let held = false;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    const step = (): void => {
      while (!closed) {
        if (!held && shape.holdAfter !== undefined && emitted >= shape.holdAfter) {
          held = true;
          void runGate.wait().then(step);
          return;
        }
        const next = iterator.next();
        if (next.done) {
          subscriber.complete();
          return;
        }
        subscriber.next(next.value);
        emitted++;
        if (shape.intervalMs > 0) {
          timer = setTimeout(step, shape.intervalMs);
          return;
        }
      }
    };
    step();
    return () => {
      closed = true;
      clearTimeout(timer);
    };
  });
}

/**
 * A run of the mix as a server that builds AG-UI events itself streams it (the Express server,
 * CopilotKit's agent): shaped, and stamped, as the input's `forwardedProps` ask.
 */
export function scriptedAguiRun(input: RunAgentInput): Observable<BaseEvent> {
  const shape = requestedShape(input.forwardedProps);
  return shapedEvents(
    () =>
      scriptedAguiEvents({
        events: shape.events,
        threadId: input.threadId,
        runId: input.runId,
        now: Date.now,
        ...(shape.stamp ? { stamp: preciseNow } : {}),
      }),
    shape,
  );
}
