/** Time for the WebSocket heartbeat, injected so tests drive it (house style: time is never mocked). */
export interface Scheduler {
  now(): number;
  /** Runs `task` every `ms` until the returned function is called. */
  every(ms: number, task: () => void): () => void;
}

/** Wall-clock time and an unref'd interval: a heartbeat never keeps the process alive. */
export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  every(ms, task) {
    const timer = setInterval(task, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};
