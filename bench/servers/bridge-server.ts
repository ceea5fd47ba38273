import { createServer } from 'node:http';
import { createBridgeRuntime } from '../../src/bridge-runtime.js';
import { loadConfig } from '../../src/config.js';
import {
  benchRedisPrefix,
  createPostgresDatabase,
  createSqliteDatabase,
  deleteRedisPrefix,
  REDIS_URL,
  type BenchDatabase,
} from '../databases.js';
import { createScriptedAgent } from '../scripted-agent.js';
import { createProblemLogger } from './log-problems.js';
import { closeServer, listenOnLoopback, type Contestant, type ServerUnderTest } from './server-under-test.js';

/** Which backend a bridge under test runs on. */
export type BridgeBackend = 'sqlite' | 'postgres' | 'postgres-redis';

/** The whole bridge, wired as `npm start` wires it, serving the scripted agent on a fresh database. */
export async function startBridgeServer(backend: BridgeBackend): Promise<ServerUnderTest> {
  const database: BenchDatabase =
    backend === 'sqlite' ? await createSqliteDatabase() : await createPostgresDatabase();
  const prefix = backend === 'postgres-redis' ? benchRedisPrefix() : null;
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    PORT: '0',
    LOG_LEVEL: 'silent',
    // Tests and benchmarks start runs far faster than any client should: limits are tested on their own.
    BRIDGE_RATE_LIMIT_PER_MINUTE: '0',
    BRIDGE_RUN_RATE_LIMIT_PER_MINUTE: '0',
    ...(prefix ? { REDIS_URL, BRIDGE_REDIS_PREFIX: prefix } : {}),
  };
  const log = createProblemLogger();
  try {
    const runtime = await createBridgeRuntime(loadConfig(env), {
      env,
      logger: log.logger,
      extraAgents: [createScriptedAgent()],
    });
    const server = createServer(runtime.app);
    const url = await listenOnLoopback(server);
    const ws = runtime.attachWebSocket(server);
    return {
      url,
      problems: log.problems,
      async close() {
        await runtime.runs.shutdown();
        runtime.subscribers.closeAll();
        await ws.close();
        await runtime.close();
        await closeServer(server);
        await database.drop();
        if (prefix) await deleteRedisPrefix(prefix);
      },
    };
  } catch (error) {
    await database.drop();
    if (prefix) await deleteRedisPrefix(prefix);
    throw error;
  }
}

/** The bridge on each backend, as contestants. */
export const bridgeContestants: Contestant[] = [
  { key: 'bridge-sqlite', label: 'bridge, SQLite', start: () => startBridgeServer('sqlite') },
  { key: 'bridge-pg', label: 'bridge, PostgreSQL', start: () => startBridgeServer('postgres') },
  {
    key: 'bridge-pg-redis',
    label: 'bridge, PostgreSQL + Redis',
    start: () => startBridgeServer('postgres-redis'),
  },
];
