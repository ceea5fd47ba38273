import { WebSocket } from 'ws';

/** Writes frames to one socket and reports when the socket is over its buffer limit. */
export interface WsSender {
  /**
   * Sends one text frame. Returns a promise while the socket holds `limitBytes` or more unsent;
   * it settles when the socket has flushed below the limit, or closed.
   */
  send(data: string): Promise<void> | undefined;
}

/**
 * The sender of one socket. `ws` calls a send's callback once its bytes are handed to the kernel,
 * so the sum of sent-but-not-called-back sizes is what the socket holds for a slow reader.
 */
export function createWsSender(socket: WebSocket, limitBytes: number): WsSender {
  let buffered = 0;
  let waiters: (() => void)[] = [];
  const wakeAll = (): void => {
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };
  socket.once('close', wakeAll);
  return {
    send(data) {
      if (socket.readyState !== WebSocket.OPEN) return undefined;
      // String length approximates bytes closely enough for a limit (and costs nothing).
      const size = data.length;
      buffered += size;
      socket.send(data, () => {
        buffered -= size;
        if (buffered < limitBytes) wakeAll();
      });
      if (buffered < limitBytes) return undefined;
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}
