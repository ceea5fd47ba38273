import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import type { Express } from 'express';
import { pino, type Logger } from 'pino';
import { createAgentRegistry, type AgentRegistry } from './agents/agent-registry.js';
import type { Agent } from './agents/agent.js';
import { loadAgentsFile } from './agents/agents-file.js';
import { createDemoAgent } from './agents/demo/demo-agent.js';
import { createLlmAgent } from './agents/llm-agent.js';
import { createApp } from './app.js';
import { createInMemoryControlChannel, createInMemoryRunLock } from './cluster/in-memory-cluster.js';
import { createRedisCluster } from './cluster/redis-cluster.js';
import type { Config } from './config.js';
import type { EventBus } from './live/event-bus.js';
import { createInMemoryEventBus } from './live/in-memory-event-bus.js';
import { createSubscriberRegistry, type SubscriberRegistry } from './live/subscriber-registry.js';
import { attachWebSocketServer, type WsServerHandle } from './ws/ws-server.js';
import { createInterruptService, type InterruptService } from './runs/interrupt-service.js';
import { recoverOrphanedRuns } from './runs/recover-orphaned-runs.js';
import { createRunService, type RunService } from './runs/run-service.js';
import type { BridgeStore } from './store/bridge-store.js';
import { openStore } from './store/open-store.js';

/** A wired bridge: the app and what must be closed with it. */
export interface BridgeRuntime {
  app: Express;
  store: BridgeStore;
  bus: EventBus;
  runs: RunService;
  interrupts: InterruptService;
  agents: AgentRegistry;
  /** Each dependency's health: `ok` or `unreachable`. */
  ready(): Promise<Record<string, string>>;
  /** Live subscribers per thread and transport. */
  subscribers: SubscriberRegistry;
  /** Serves `/ws` on the listening server. */
  attachWebSocket(server: Server): WsServerHandle;
  logger: Logger;
  /** Cancels active runs (each logs its end), then closes the database. */
  close(): Promise<void>;
}

/** The bridge's version, from package.json. */
export const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Opens the store, loads agents and builds the app from a configuration. */
export async function createBridgeRuntime(
  config: Config,
  options: {
    env?: Record<string, string | undefined>;
    logger?: Logger;
    extraAgents?: Agent[];
    /** The clock (tests move it to expire interrupts). */
    now?: () => number;
  } = {},
): Promise<BridgeRuntime> {
  const logger = options.logger ?? pino({ level: config.LOG_LEVEL, base: { service: 'agui-bridge' } });
  const store = await openStore(config.DATABASE_URL);
  const agents = createAgentRegistry([
    createDemoAgent({ delayMs: config.BRIDGE_DEMO_DELAY_MS }),
    ...(await loadFileAgents(config, options.env ?? process.env)),
    ...(options.extraAgents ?? []),
  ]);
  const cluster = config.REDIS_URL
    ? await createRedisCluster({
        url: config.REDIS_URL,
        prefix: config.BRIDGE_REDIS_PREFIX,
        lockTtlMs: config.BRIDGE_RUN_LOCK_TTL_MS,
        logger,
      })
    : null;
  const bus = cluster?.bus ?? createInMemoryEventBus();
  const now = options.now ?? Date.now;
  const lock = cluster?.lock ?? createInMemoryRunLock();
  const control = cluster?.control ?? createInMemoryControlChannel();
  const runs = createRunService({
    agents,
    store,
    bus,
    lock,
    control,
    logger,
    now,
    generateId: randomUUID,
    enqueueTimeoutMs: config.BRIDGE_ENQUEUE_TIMEOUT_MS,
  });
  const reaperDeps = {
    store,
    lock,
    bus,
    logger,
    now,
    isLocal: (threadId: string) => runs.isActive(threadId),
  };
  await recoverOrphanedRuns(reaperDeps);
  // With several instances a worker can die at any time: reap as often as a lock can expire.
  const reaper = cluster
    ? setInterval(() => {
        recoverOrphanedRuns(reaperDeps).catch((error: unknown) =>
          logger.warn({ err: error }, 'reaper failed'),
        );
      }, config.BRIDGE_RUN_LOCK_TTL_MS)
    : undefined;
  reaper?.unref();
  const ready = async () => {
    const checks: Record<string, string> = {};
    checks.database = await store.ping().then(
      () => 'ok',
      () => 'unreachable',
    );
    if (cluster)
      checks.redis = await cluster.ping().then(
        () => 'ok',
        () => 'unreachable',
      );
    return checks;
  };
  const interrupts = createInterruptService({ store, runs, logger, now, generateId: randomUUID });
  const stopSweeper = interrupts.startSweeper(config.BRIDGE_INTERRUPT_SWEEP_MS);
  const subscribers = createSubscriberRegistry();
  const app = createApp({
    subscribers,
    store,
    bus,
    agents,
    runs,
    interrupts,
    ready,
    logger,
    version: VERSION,
    maxBody: config.BRIDGE_MAX_BODY,
    keepAliveMs: config.BRIDGE_SSE_KEEPALIVE_MS,
  });
  return {
    app,
    store,
    bus,
    runs,
    interrupts,
    agents,
    logger,
    ready,
    subscribers,
    attachWebSocket: (server) =>
      attachWebSocketServer(server, {
        store,
        bus,
        runs,
        subscribers,
        logger,
        resolveInterrupt: (tenantId, interruptId, status, payload) =>
          interrupts.resolve({ tenantId, actor: tenantId, interruptId, status, payload, via: 'ws' }),
        options: { maxConnectionsPerThread: config.BRIDGE_WS_MAX_CONNECTIONS_PER_THREAD },
      }),
    async close() {
      stopSweeper();
      clearInterval(reaper);
      await runs.shutdown();
      subscribers.closeAll();
      await cluster?.close();
      await store.close();
    },
  };
}

/** LLM agents of `BRIDGE_AGENTS_FILE` (or ./agents.yaml when present); a bad file stops the start. */
async function loadFileAgents(config: Config, env: Record<string, string | undefined>): Promise<Agent[]> {
  const file = config.BRIDGE_AGENTS_FILE ?? (existsSync('./agents.yaml') ? './agents.yaml' : undefined);
  if (!file) return [];
  const { agents } = await loadAgentsFile(file);
  return agents.map((definition) =>
    createLlmAgent(definition, {
      env,
      requestTimeoutMs: config.BRIDGE_LLM_TIMEOUT_MS,
      maxRetries: config.BRIDGE_LLM_MAX_RETRIES,
    }),
  );
}
