import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from 'pino';
import type { EventBus } from '../live/event-bus.js';
import { DEFAULT_LIVE_LIMITS, type LiveLimits } from '../live/live-limits.js';
import type { SubscriberRegistry } from '../live/subscriber-registry.js';
import type { RunService } from '../runs/run-service.js';
import type { BridgeStore } from '../store/bridge-store.js';
import { systemScheduler, type Scheduler } from './scheduler.js';
import { handleWsConnection, type ResolveInterrupt } from './ws-connection.js';

/** Tunables of the WebSocket endpoint; every one has a default (docs/streaming.md, "Limits"). */
export interface WsServerOptions {
  /** Default `/ws`. */
  path?: string;
  /** Server pings this often (default 30 s). */
  pingIntervalMs?: number;
  /** A connection that sent nothing (message or pong) for this long is dropped (default 60 s). */
  silentTimeoutMs?: number;
  /** WebSocket connections that may subscribe to one thread (default 5). */
  maxConnectionsPerThread?: number;
  /** Largest client message (default 10 MiB, as `BRIDGE_MAX_BODY`). */
  maxPayloadBytes?: number;
  limits?: Partial<LiveLimits>;
}

/** What the WebSocket endpoint needs. */
export interface WsServerDeps {
  store: BridgeStore;
  bus: EventBus;
  runs: RunService;
  subscribers: SubscriberRegistry;
  logger: Logger;
  /** The tenant a connection acts for, or null to refuse it with 401 (default: every client is 'default'). */
  authenticate?: (req: IncomingMessage) => string | null | Promise<string | null>;
  /** Answers `resolve` messages; without it they get `INTERRUPT_NOT_FOUND`. */
  resolveInterrupt?: ResolveInterrupt;
  scheduler?: Scheduler;
  options?: WsServerOptions;
}

/** The attached endpoint. */
export interface WsServerHandle {
  /** Open connections. */
  readonly connections: number;
  /** Stops the heartbeat, closes every connection (1001) and detaches from the server. */
  close(): Promise<void>;
}

/**
 * Serves `GET /ws` upgrades on `server` (../shared/contract.md, WebSocket). One heartbeat for all
 * connections: every `pingIntervalMs` each connection silent for `silentTimeoutMs` is terminated,
 * the others are pinged; any message or pong counts as hearing from the client.
 */
export function attachWebSocketServer(server: Server, deps: WsServerDeps): WsServerHandle {
  const options = deps.options ?? {};
  const path = options.path ?? '/ws';
  const scheduler = deps.scheduler ?? systemScheduler;
  const silentTimeoutMs = options.silentTimeoutMs ?? 60_000;
  const authenticate = deps.authenticate ?? (() => 'default');
  const limits = { ...DEFAULT_LIVE_LIMITS, ...options.limits };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes ?? 10 * 1024 * 1024,
  });
  const lastHeard = new Map<WebSocket, number>();

  const accept = (socket: WebSocket, tenantId: string): void => {
    const heard = (): void => void lastHeard.set(socket, scheduler.now());
    heard();
    socket.on('message', heard);
    socket.on('pong', heard);
    socket.on('error', (error) => deps.logger.debug({ err: error }, 'websocket error'));
    const connection = handleWsConnection(socket, tenantId, {
      ...deps,
      limits,
      maxConnectionsPerThread: options.maxConnectionsPerThread ?? 5,
    });
    socket.on('close', () => {
      lastHeard.delete(socket);
      connection.close();
    });
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (new URL(req.url ?? '/', 'http://bridge').pathname !== path) {
      // Leave other paths to other upgrade handlers; with none, nobody else would answer.
      if (server.listenerCount('upgrade') === 1)
        refuse(socket, 404, 'NOT_FOUND', `No WebSocket endpoint at ${req.url}`);
      return;
    }
    socket.on('error', () => socket.destroy());
    void Promise.resolve()
      .then(() => authenticate(req))
      .then(
        (tenantId) => {
          if (!tenantId) return refuse(socket, 401, 'UNAUTHORIZED', 'Missing or wrong credentials');
          wss.handleUpgrade(req, socket, head, (ws) => accept(ws, tenantId));
        },
        (error: unknown) => {
          deps.logger.error({ err: error }, 'websocket authentication failed');
          refuse(socket, 500, 'INTERNAL_ERROR', 'Internal error');
        },
      );
  };
  server.on('upgrade', onUpgrade);

  const stopHeartbeat = scheduler.every(options.pingIntervalMs ?? 30_000, () => {
    const now = scheduler.now();
    for (const [socket, heard] of lastHeard) {
      if (now - heard >= silentTimeoutMs) socket.terminate();
      else socket.ping();
    }
  });

  return {
    get connections() {
      return lastHeard.size;
    },
    async close() {
      stopHeartbeat();
      server.off('upgrade', onUpgrade);
      const sockets = [...lastHeard.keys()];
      await Promise.all(sockets.map((socket) => closeGracefully(socket)));
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Closes with 1001 (going away); a peer that does not answer the close within a second is cut. */
function closeGracefully(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) return resolve();
    const timer = setTimeout(() => socket.terminate(), 1000);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close(1001, 'server shutting down');
  });
}

/** Answers an upgrade request with a contract error body instead of switching protocols. */
function refuse(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  const reason = { 401: 'Unauthorized', 404: 'Not Found', 500: 'Internal Server Error' }[status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
