import { defer, from, Observable } from 'rxjs';
import { runGate, type RunShape } from './run-shape.js';

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
