import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server the bench measures: listening on a loopback port, serving the bench agent's run route. */
export interface ServerUnderTest {
  /** Base URL, always `http://127.0.0.1:<port>`. */
  url: string;
  /** Errors the server logged (first distinct ones), when it keeps a log. */
  problems?(): string[];
  /**
   * What it serves beyond the run route: `live` is the bridge's `GET /threads/:id/events` and `/ws`;
   * `connect` is AG-UI's `POST /agent/:id/connect` (history, then the run in flight).
   */
  features?: { live?: boolean; connect?: boolean };
  /**
   * Called once the warm-up is done: drops what the warm-up left that a product would not hold
   * (the in-memory event log of figure 6 keeps every event it was given).
   */
  afterWarmUp?(): void;
  /** Rows in its event log table right now (figure 6), when it logs to a database. */
  loggedEvents?(): Promise<number>;
  /** Stops it and removes what it created (databases, Redis keys). */
  close(): Promise<void>;
}

/** The figures of the suite, by number. */
export const FIGURES = ['1', '2', '2b', '3', '4', '5', '6', '7', '7b'] as const;

/** A figure of the suite. */
export type FigureKey = (typeof FIGURES)[number];

/** What a server keeps outside its process (a database, Redis keys), created ahead of it. */
export interface Backing {
  /** What the server is started with: plain strings, so they can cross to a forked process. */
  settings: Record<string, string>;
  /** Removes it (after the server stopped, or its process was killed). */
  remove(): Promise<void>;
}

/** One contestant of the comparison: how to start it, and how it is named in the tables. */
export interface Contestant {
  key: string;
  label: string;
  /** The figures it runs (all by default). */
  figures?: FigureKey[];
  /**
   * Creates its backing apart from the server, for a server started in a process that may be
   * killed (figure 5): whoever created the backing removes it. None when it keeps nothing outside.
   */
  createBacking?(): Promise<Backing>;
  /**
   * Starts it on `settings` from `createBacking`, left in place on `close`; without them it creates
   * a backing of its own and removes it on `close`.
   */
  start(settings?: Record<string, string>): Promise<ServerUnderTest>;
}

/** Listens on a random loopback port and returns the base URL. */
export async function listenOnLoopback(server: Server): Promise<string> {
  // The load client keeps idle connections for the next batch: the server must not close them
  // meanwhile (Node's 5 s default races a reused socket: "socket hang up").
  server.keepAliveTimeout = 10 * 60_000;
  server.headersTimeout = 10 * 60_000 + 1000;
  // Many simultaneous runs connect at once: a deeper accept queue than the default 511.
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** Closes a listening server, cutting any connection still open. */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
