/** A task repeated `intervalMs` after each completion; `now()` runs it at once (coalesced). */
export interface Poller {
  now(): void;
  stop(): void;
}

/** Starts polling: one run at a time, a refresh requested during a run runs right after it. */
export function poll(intervalMs: number, task: () => Promise<void>): Poller {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;
  let stopped = false;
  const run = async (): Promise<void> => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = true;
    try {
      await task();
    } catch {
      // The task reports its own errors; polling goes on.
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      void run();
    } else if (!stopped) timer = setTimeout(() => void run(), intervalMs);
  };
  void run();
  return {
    now: () => void run(),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
