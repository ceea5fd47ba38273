import type { Scheduler } from '../../src/ws/scheduler.js';

/** A Scheduler the test moves by hand: `advance` runs every interval that falls due, in order. */
export function createManualScheduler(start = 0): Scheduler & { advance(ms: number): void } {
  let now = start;
  const tasks = new Set<{ every: number; due: number; task: () => void }>();
  return {
    now: () => now,
    every(ms, task) {
      const entry = { every: ms, due: now + ms, task };
      tasks.add(entry);
      return () => void tasks.delete(entry);
    },
    advance(ms) {
      const target = now + ms;
      for (;;) {
        const due = [...tasks].filter((t) => t.due <= target).sort((a, b) => a.due - b.due)[0];
        if (!due) break;
        now = due.due;
        due.due += due.every;
        due.task();
      }
      now = target;
    },
  };
}
