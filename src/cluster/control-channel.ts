/** A command for whichever instance runs the thread: stop it now, or pause it at a safe point. */
export interface ControlMessage {
  type: 'stop' | 'pause';
  threadId: string;
}

/** Delivers control messages to every instance (the owner of the run acts on them). */
export interface ControlChannel {
  publish(message: ControlMessage): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(handler: (message: ControlMessage) => void): () => void;
  close(): Promise<void>;
}
