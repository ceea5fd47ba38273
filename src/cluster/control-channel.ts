/** A command for whichever instance runs the thread. */
export interface ControlMessage {
  type: 'stop';
  threadId: string;
}

/** Delivers control messages to every instance (the owner of the run acts on them). */
export interface ControlChannel {
  publish(message: ControlMessage): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(handler: (message: ControlMessage) => void): () => void;
  close(): Promise<void>;
}
