import { createServer } from 'node:http';
import { createInMemoryEventLog } from '../../tests/fakes/in-memory-event-log.js';
import { createBridgeRuntime } from '../../src/bridge-runtime.js';
import { loadConfig } from '../../src/config.js';
import {
  benchRedisPrefix,
  countEvents,
  createPostgresDatabase,
  createSqliteDatabase,
  deleteRedisPrefix,
  REDIS_URL,
  type BenchDatabase,
} from '../databases.js';
import { createScriptedAgent } from '../scripted-agent.js';
import { createProblemLogger } from './log-problems.js';
import {
  closeServer,
  listenOnLoopback,
  type Backing,
  type Contestant,
  type ServerUnderTest,
} from './server-under-test.js';

/** Which backend a bridge under test runs on. */
export type BridgeBackend = 'sqlite' | 'postgres' | 'postgres-redis';

/** The most live subscribers a fan-out figure opens on one thread (the WebSocket limit is raised to it). */
export const MAX_SUBSCRIBERS = 2000;

/** A fresh migrated database for a bridge on `backend` (and a Redis key prefix for Redis), as its env. */
export async function createBridgeBacking(backend: BridgeBackend): Promise<Backing> {
  const database: BenchDatabase =
    backend === 'sqlite' ? await createSqliteDatabase() : await createPostgresDatabase();
  const prefix = backend === 'postgres-redis' ? benchRedisPrefix() : null;
  return {
    settings: { DATABASE_URL: database.url, ...(prefix ? { REDIS_URL, BRIDGE_REDIS_PREFIX: prefix } : {}) },
    async remove() {
      await database.drop();
      if (prefix) await deleteRedisPrefix(prefix);
    },
  };
}

/**
 * The whole bridge, wired as `npm start` wires it, serving the scripted agent on a fresh database
 * (`backing`, from `createBridgeBacking`, or one of its own). `memoryLog` swaps the runtime's event
 * log for the in-memory one of the tests before the first request (figure 6: persistence off);
 * threads, runs and messages still go to the database.
 */
export async function startBridgeServer(
  backend: BridgeBackend,
  options: { memoryLog?: boolean; backing?: Record<string, string> } = {},
): Promise<ServerUnderTest> {
  const owned = options.backing ? null : await createBridgeBacking(backend);
  const backing = options.backing ?? owned?.settings;
  const databaseUrl = backing?.DATABASE_URL;
  if (!backing || !databaseUrl) throw new Error('the backing of a bridge under test has no DATABASE_URL');
  const env: Record<string, string> = {
    PORT: '0',
    LOG_LEVEL: 'silent',
    // Tests and benchmarks start runs far faster than any client should: limits are tested on their own.
    BRIDGE_RATE_LIMIT_PER_MINUTE: '0',
    BRIDGE_RUN_RATE_LIMIT_PER_MINUTE: '0',
    BRIDGE_WS_MAX_CONNECTIONS_PER_THREAD: String(MAX_SUBSCRIBERS),
    ...backing,
  };
  const log = createProblemLogger();
  try {
    const runtime = await createBridgeRuntime(loadConfig(env), {
      env,
      logger: log.logger,
      extraAgents: [createScriptedAgent()],
    });
    // Every component reads `store.events` per request, so a swap holds for all of them.
    const swapLog = () => {
      const memoryLog = createInMemoryEventLog();
      Object.assign(runtime.store, { events: memoryLog });
      if (runtime.store.events !== memoryLog) throw new Error('the event log could not be swapped');
    };
    if (options.memoryLog) {
      swapLog();
      // A run's last events go to the log with its end (`FinishRunInput.events`): to this log too.
      const { threads } = runtime.store;
      const finishRun = threads.finishRun.bind(threads);
      threads.finishRun = async ({ events, ...end }) => {
        if (events && events.length > 0) await runtime.store.events.append(end.threadId, events);
        await finishRun(end);
      };
    }
    const server = createServer(runtime.app);
    const url = await listenOnLoopback(server);
    const ws = runtime.attachWebSocket(server);
    return {
      url,
      problems: log.problems,
      features: { live: true, connect: true },
      loggedEvents: options.memoryLog ? undefined : () => countEvents(databaseUrl),
      // The in-memory log keeps every event: a fresh one, so figure 6 does not carry the warm-up's.
      ...(options.memoryLog ? { afterWarmUp: swapLog } : {}),
      async close() {
        await runtime.runs.shutdown();
        runtime.subscribers.closeAll();
        await ws.close();
        await runtime.close();
        await closeServer(server);
        await owned?.remove();
      },
    };
  } catch (error) {
    await owned?.remove();
    throw error;
  }
}

/** The bridge on `backend` as a contestant. */
const bridgeContestant = (key: string, label: string, backend: BridgeBackend): Contestant => ({
  key,
  label,
  createBacking: () => createBridgeBacking(backend),
  start: (backing) => startBridgeServer(backend, { backing }),
});

/** The bridge on each backend, as contestants. */
export const bridgeContestants: Contestant[] = [
  bridgeContestant('bridge-sqlite', 'bridge, SQLite', 'sqlite'),
  bridgeContestant('bridge-pg', 'bridge, PostgreSQL', 'postgres'),
  bridgeContestant('bridge-pg-redis', 'bridge, PostgreSQL + Redis', 'postgres-redis'),
];

/** Figure 6: the bridge on SQLite with its event log in memory (persistence off). */
export const bridgeMemoryLogContestant: Contestant = {
  key: 'bridge-sqlite-memlog',
  label: 'bridge, SQLite, event log in memory',
  figures: ['6'],
  createBacking: () => createBridgeBacking('sqlite'),
  start: (backing) => startBridgeServer('sqlite', { memoryLog: true, backing }),
};
