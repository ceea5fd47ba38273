/** A held run lock: kept alive by heartbeat until released, or lost (e.g. Redis unreachable too long). */
export interface RunLease {
  /**
   * Resolves with the reason (a BridgeError, its message safe for clients) if the lock is lost while
   * held; never resolves for a clean release.
   */
  readonly lost: Promise<Error>;
  release(): Promise<void>;
}

/** One run per thread across every instance: whoever holds the thread's lock runs it. */
export interface RunLock {
  /** Takes the thread's lock; null when someone else holds it. */
  acquire(threadId: string): Promise<RunLease | null>;
  /** True while anyone holds the thread's lock (a live run somewhere). */
  isHeld(threadId: string): Promise<boolean>;
  close(): Promise<void>;
}
