/** One key's count in the current fixed window. */
export interface RateCount {
  count: number;
  /** When the window ends and the count starts again from zero (epoch ms). */
  resetAt: number;
}

/** Fixed-window hit counters (rate limits); the Redis one is shared by every instance. */
export interface RateCounter {
  /** Counts one hit of `key` and returns the window's count so far. */
  hit(key: string): Promise<RateCount>;
  /** Takes one hit back (a request the limiter decided not to count). */
  undo(key: string): Promise<void>;
  /** Forgets the key. */
  reset(key: string): Promise<void>;
}

/** Counters of one process: a map of windows, swept as they end. */
export function createInMemoryRateCounter(windowMs: number, now: () => number = Date.now): RateCounter {
  const windows = new Map<string, RateCount>();
  let nextSweep = now() + windowMs;
  const sweep = (at: number): void => {
    if (at < nextSweep) return;
    for (const [key, window] of windows) if (window.resetAt <= at) windows.delete(key);
    nextSweep = at + windowMs;
  };
  return {
    async hit(key) {
      const at = now();
      sweep(at);
      let window = windows.get(key);
      if (!window || window.resetAt <= at) windows.set(key, (window = { count: 0, resetAt: at + windowMs }));
      window.count += 1;
      return { ...window };
    },
    async undo(key) {
      const window = windows.get(key);
      if (window && window.count > 0) window.count -= 1;
    },
    async reset(key) {
      windows.delete(key);
    },
  };
}
