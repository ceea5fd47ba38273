import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { createAgentAdmin } from './agents/agent-admin.js';
import type { AgentDefinition } from './agents/agent-definition.js';
import type { AgentRegistry } from './agents/agent-registry.js';
import type { Agent } from './agents/agent.js';
import { loadAgentsFile } from './agents/agents-file.js';
import { createDemoAgent } from './agents/demo/demo-agent.js';
import { createLlmAgent } from './agents/llm-agent.js';
import { createStoredAgentRegistry } from './agents/stored-agent-registry.js';
import { createApp } from './app.js';
import { healthRoutes, readyRoute } from './http/health-routes.js';
import { createKeyResolver, presentedKey } from './http/api-keys.js';
import { createLogger, wantsPrettyLogs } from './observability/create-logger.js';
import { instrumentInterrupts } from './observability/interrupt-metrics.js';
import { observeSubscribers } from './observability/subscriber-metrics.js';
import { createPrometheusMetrics } from './observability/prometheus-metrics.js';
import { errorHandler, routeNotFound } from './http/http-error.js';
import { createInMemoryControlChannel, createInMemoryRunLock } from './cluster/in-memory-cluster.js';
import { createInMemoryRateCounter } from './cluster/rate-counter.js';
import { createRedisCluster } from './cluster/redis-cluster.js';
import { createRateLimits, RATE_LIMIT_WINDOW_MS } from './http/rate-limit.js';
import type { Config } from './config.js';
import type { EventBus } from './live/event-bus.js';
import { createInMemoryEventBus } from './live/in-memory-event-bus.js';
import type { LiveLimits } from './live/live-limits.js';
import { createSubscriberRegistry, type SubscriberRegistry } from './live/subscriber-registry.js';
import { attachWebSocketServer, type WsServerDeps, type WsServerHandle } from './ws/ws-server.js';
import { createInterruptService, type InterruptService } from './runs/interrupt-service.js';
import { recoverOrphanedRuns } from './runs/recover-orphaned-runs.js';
import { loadPriceTable, type PriceTable } from './runs/price-table.js';
import { createRunService, type RunService } from './runs/run-service.js';
import type { BridgeStore } from './store/bridge-store.js';
import { openStore } from './store/open-store.js';
import { createQueuedRunService } from './workers/queued-run-service.js';
import { connectForBullMq, openRunQueue, type RunQueue } from './workers/run-queue.js';
import { startRunWorker, type RunWorker } from './workers/run-worker.js';

/** A wired bridge: the app and what must be closed with it. */
export interface BridgeRuntime {
  /** `all` serves and executes; `web` serves and queues runs; `worker` executes queued runs. */
  role: Config['BRIDGE_ROLE'];
  /** The AG-UI app; a worker's answers `/health` and `/ready` only. */
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
  /** Serves `/ws` on the listening server (a worker serves none: the handle does nothing). */
  attachWebSocket(server: Server): WsServerHandle;
  logger: Logger;
  /** Cancels active runs (each logs its end), then closes the database. */
  close(): Promise<void>;
}

/** The bridge's version, from package.json. */
export const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** What a bridge is built with besides its configuration; every one optional (tests and tools use them). */
export interface BridgeRuntimeOptions {
  env?: Record<string, string | undefined>;
  logger?: Logger;
  extraAgents?: Agent[];
  /** The clock (tests move it to expire interrupts). */
  now?: () => number;
  /** Replay and buffer limits of SSE and `/ws` followers (tests shrink them to reach the edges). */
  liveLimits?: Partial<LiveLimits>;
  /** Replaces parts of `/ws` (tests inject the heartbeat's timers, tunables, authentication, resolver). */
  ws?: Pick<WsServerDeps, 'authenticate' | 'resolveInterrupt' | 'scheduler' | 'options'>;
}

/** Opens the store, loads agents and builds the app from a configuration. */
export async function createBridgeRuntime(
  config: Config,
  options: BridgeRuntimeOptions = {},
): Promise<BridgeRuntime> {
  const logger =
    options.logger ??
    createLogger({
      level: config.LOG_LEVEL,
      pretty: wantsPrettyLogs(config.LOG_PRETTY, process.stdout.isTTY),
    });
  const now = options.now ?? Date.now;
  const metrics = createPrometheusMetrics();
  const store = instrumentInterrupts(
    await openStore(config.DATABASE_URL, {
      onWarning: (message) => logger.warn({ store: 'sqlite' }, message),
    }),
    metrics.registry,
    now,
  );
  const env = options.env ?? process.env;
  const builtIns = [
    createDemoAgent({ delayMs: config.BRIDGE_DEMO_DELAY_MS }),
    ...(options.extraAgents ?? []),
  ];
  const templates = await loadFileAgents(config);
  // YAML agents merged with the definitions stored through the admin API (docs/agents.md).
  const agents = createStoredAgentRegistry({
    builtIns,
    templates,
    store: store.agents,
    build: (definition) =>
      createLlmAgent(definition, {
        env,
        requestTimeoutMs: config.BRIDGE_LLM_TIMEOUT_MS,
        maxRetries: config.BRIDGE_LLM_MAX_RETRIES,
      }),
    logger,
  });
  await agents.refresh();
  const cluster = config.REDIS_URL
    ? await createRedisCluster({
        url: config.REDIS_URL,
        prefix: config.BRIDGE_REDIS_PREFIX,
        lockTtlMs: config.BRIDGE_RUN_LOCK_TTL_MS,
        logger,
      })
    : null;
  const bus = cluster?.bus ?? createInMemoryEventBus();
  const lock = cluster?.lock ?? createInMemoryRunLock();
  const control = cluster?.control ?? createInMemoryControlChannel();
  const role = config.BRIDGE_ROLE;
  const redisUrl = config.REDIS_URL ?? '';
  const queue: RunQueue | null =
    role === 'web' ? await openRunQueue({ url: redisUrl, prefix: config.BRIDGE_REDIS_PREFIX, logger }) : null;
  // A web instance executes nothing: its run service queues runs for workers and follows them.
  const local = queue
    ? null
    : createRunService({
        agents,
        store,
        bus,
        lock,
        control,
        logger,
        now,
        generateId: randomUUID,
        enqueueTimeoutMs: config.BRIDGE_ENQUEUE_TIMEOUT_MS,
        metrics: metrics.runs,
        prices: loadPrices(config),
      });
  const reaperDeps = local && {
    store,
    lock,
    bus,
    logger,
    now,
    isLocal: (threadId: string) => local.isActive(threadId),
  };
  if (reaperDeps) await recoverOrphanedRuns(reaperDeps);
  const worker: RunWorker | null =
    local && role === 'worker'
      ? await startRunWorker({
          connection: connectForBullMq(redisUrl, logger),
          prefix: config.BRIDGE_REDIS_PREFIX,
          runs: local,
          log: store.events,
          logger,
          now,
          concurrency: config.BRIDGE_WORKER_CONCURRENCY,
        })
      : null;
  let runs: RunService;
  if (queue) {
    runs = createQueuedRunService({
      ...queue,
      prefix: config.BRIDGE_REDIS_PREFIX,
      log: store.events,
      bus,
      lock,
      control,
      logger,
      now,
      pickupTimeoutMs: config.BRIDGE_WORKER_PICKUP_TIMEOUT_MS,
      // A picked-up run of an `enqueue` agent may wait this long for its thread, then a margin.
      startTimeoutMs: config.BRIDGE_ENQUEUE_TIMEOUT_MS + 10_000,
    });
  } else if (local && worker) {
    // A worker's shutdown first stops taking jobs, then cancels its runs.
    runs = { ...local, shutdown: () => worker.close() };
  } else if (local) {
    runs = local;
  } else {
    throw new Error('unreachable: every role has a run service');
  }
  // With several instances a worker can die at any time: reap as often as a lock can expire.
  const reaper =
    cluster && reaperDeps
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
  const apiKeys = config.BRIDGE_API_KEYS ? createKeyResolver(config.BRIDGE_API_KEYS) : undefined;
  const agentAdmin = createAgentAdmin({ builtIns, templates, store: store.agents, registry: agents, now });
  const adminTenants = config.BRIDGE_ADMIN_TENANTS?.split(',')
    .map((tenant) => tenant.trim())
    .filter((tenant) => tenant !== '');
  const subscribers = createSubscriberRegistry();
  observeSubscribers(metrics.registry, subscribers);
  const rateLimits = createRateLimits({
    requestsPerMinute: config.BRIDGE_RATE_LIMIT_PER_MINUTE,
    runsPerMinute: config.BRIDGE_RUN_RATE_LIMIT_PER_MINUTE,
    // With Redis every instance counts against the same windows.
    counter: (name) =>
      cluster?.rateCounter(name, RATE_LIMIT_WINDOW_MS) ??
      createInMemoryRateCounter(RATE_LIMIT_WINDOW_MS, now),
    shared: cluster !== null,
    now,
  });
  const app =
    role === 'worker'
      ? createWorkerApp({ ready, logger })
      : createApp({
          subscribers,
          store,
          bus,
          agents,
          agentAdmin,
          ...(adminTenants ? { adminTenants } : {}),
          runs,
          interrupts,
          ready,
          metrics: metrics.registry,
          ...(apiKeys ? { apiKeys } : {}),
          logger,
          version: VERSION,
          maxBody: config.BRIDGE_MAX_BODY,
          keepAliveMs: config.BRIDGE_SSE_KEEPALIVE_MS,
          liveLimits: options.liveLimits,
          now,
          rateLimits: { requests: rateLimits.requests, runs: rateLimits.runs },
        });
  return {
    role,
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
      role === 'worker'
        ? { connections: 0, close: async () => undefined }
        : attachWebSocketServer(server, {
            store,
            bus,
            runs: rateLimits.limitRuns(runs),
            subscribers,
            logger,
            // Browsers cannot set headers on a WebSocket: the key may come as ?token=.
            authenticate:
              options.ws?.authenticate ?? (apiKeys ? (req) => apiKeys(presentedKey(req, true)) : undefined),
            resolveInterrupt:
              options.ws?.resolveInterrupt ??
              ((tenantId, interruptId, status, payload) =>
                interrupts.resolve({ tenantId, actor: tenantId, interruptId, status, payload, via: 'ws' })),
            scheduler: options.ws?.scheduler,
            options: {
              maxConnectionsPerThread: config.BRIDGE_WS_MAX_CONNECTIONS_PER_THREAD,
              limits: options.liveLimits,
              ...options.ws?.options,
            },
          }),
    async close() {
      stopSweeper();
      clearInterval(reaper);
      await runs.shutdown();
      await queue?.close();
      subscribers.closeAll();
      await cluster?.close();
      await store.close();
    },
  };
}

/** The definitions of `BRIDGE_AGENTS_FILE` (or ./agents.yaml when present); a bad file stops the start. */
async function loadFileAgents(config: Config): Promise<AgentDefinition[]> {
  const file = config.BRIDGE_AGENTS_FILE ?? (existsSync('./agents.yaml') ? './agents.yaml' : undefined);
  if (!file) return [];
  return (await loadAgentsFile(file)).agents;
}

/** The price table of `BRIDGE_PRICES_FILE` (or ./prices.yaml when present); a bad file stops the start. */
function loadPrices(config: Config): PriceTable | undefined {
  const file = config.BRIDGE_PRICES_FILE ?? (existsSync('./prices.yaml') ? './prices.yaml' : undefined);
  return file ? loadPriceTable(file) : undefined;
}

/** The HTTP app of a worker: `/health` and `/ready` only, so orchestrators can probe it. */
function createWorkerApp(deps: { ready(): Promise<Record<string, string>>; logger: Logger }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRoutes());
  app.use(readyRoute(deps));
  app.use(routeNotFound);
  app.use(errorHandler(deps.logger));
  return app;
}
