/** Run starts admitted per admission (figure 2b vs figure 3, docs/benchmarks-history.md). */
export const STARTS_PER_TURN = 8;

/**
 * Admits run starts in arrival order, a few at a time, with a turn of the event loop between two
 * admissions.
 *
 * A run's start is about a millisecond of synchronous work (request, validation, answer checks,
 * its first events). A hundred clients starting together otherwise do all of it in one turn, and
 * every event of the runs already streaming waits behind it: the p99 latency per event of figure
 * 2b was that wait. Between two admissions the loop runs its timers, its I/O and the immediates
 * the last starts queued (the commit of their first events). One start per admission measured the
 * lowest latency, but each start then committed alone, and 100 simultaneous bursty runs (figure 3)
 * lost a quarter of their throughput; eight per admission kept most of both. A lone start waits
 * one `setImmediate` hop, microseconds on an idle loop.
 */
export interface TurnGate {
  /** Resolves when it is the caller's turn. */
  turn(): Promise<void>;
}

export function createTurnGate(perTurn = STARTS_PER_TURN): TurnGate {
  const waiting: (() => void)[] = [];
  let admitting = false;
  const admit = (): void => {
    if (waiting.length === 0) {
      admitting = false;
      return;
    }
    for (const next of waiting.splice(0, perTurn)) next();
    // Two hops: what the admitted starts queue for the next turn (their commit) runs before the
    // next ones are admitted, not after them.
    setImmediate(() => setImmediate(admit));
  };
  return {
    turn: () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (admitting) return;
        admitting = true;
        setImmediate(admit);
      }),
  };
}
