import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AgentAdmin } from './agents/agent-admin.js';
import type { AgentRegistry } from './agents/agent-registry.js';
import { consoleRoutes } from './console/console-routes.js';
import { adminAgentRoutes } from './http/admin-agent-routes.js';
import { agentRoutes } from './http/agent-routes.js';
import { requireApiKey, type KeyResolver } from './http/api-keys.js';
import { healthRoutes, readyRoute } from './http/health-routes.js';
import { errorHandler, routeNotFound } from './http/http-error.js';
import { interruptRoutes } from './http/interrupt-routes.js';
import { jsonBody } from './http/json-body.js';
import { threadRoutes } from './http/thread-routes.js';
import { threadStreamRoutes } from './http/thread-stream-routes.js';
import { usageRoutes } from './http/usage-routes.js';
import { createHttpLogger } from './observability/http-logger.js';
import type { EventBus } from './live/event-bus.js';
import type { LiveLimits } from './live/live-limits.js';
import type { SubscriberRegistry } from './live/subscriber-registry.js';
import type { InterruptService } from './runs/interrupt-service.js';
import type { RunService } from './runs/run-service.js';
import type { BridgeStore } from './store/bridge-store.js';

/** Everything the HTTP app is built from; concrete implementations meet here and nowhere else. */
export interface AppDeps {
  store: BridgeStore;
  bus: EventBus;
  subscribers: SubscriberRegistry;
  agents: AgentRegistry;
  /** The agent admin API's service (/admin/agents). */
  agentAdmin: AgentAdmin;
  /** Tenants allowed under /admin; unset: every caller with a valid key. */
  adminTenants?: readonly string[];
  runs: RunService;
  interrupts: InterruptService;
  /** Resolves API keys to tenants; unset: no authentication, every caller is tenant `default`. */
  apiKeys?: KeyResolver;
  /** Prometheus registry served at /metrics. */
  metrics: Registry;
  /** Each dependency's health, for /ready. */
  ready(): Promise<Record<string, string>>;
  logger: Logger;
  version: string;
  maxBody: string;
  keepAliveMs: number;
  /** Replay and buffer limits of SSE follow and connect (default `DEFAULT_LIVE_LIMITS`; tests shrink them). */
  liveLimits?: Partial<LiveLimits>;
  /** Rate limiters (429 RATE_LIMITED): every request but /health, and starting runs. */
  rateLimits?: { requests?: RequestHandler | undefined; runs?: RequestHandler | undefined };
  /** The clock (default ranges of GET /usage). */
  now?: () => number;
}

/** Builds the Express app over its dependencies (no listening, no globals). */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // First: every response carries X-Request-Id and every handler logs through req.log with it.
  app.use(createHttpLogger(deps.logger));
  app.use(healthRoutes(deps));
  // The console's page and assets are public; the API calls it makes carry the operator's key.
  app.use(consoleRoutes());
  // With BRIDGE_API_KEYS every route but /health and the console needs a key (and acts for its tenant).
  if (deps.apiKeys) app.use(requireApiKey(deps.apiKeys));
  // After the key check, so a tenant's requests count against the tenant wherever they come from.
  if (deps.rateLimits?.requests) app.use(deps.rateLimits.requests);
  if (deps.rateLimits?.runs) app.post('/agent/:agentId/run', deps.rateLimits.runs);
  app.use(readyRoute(deps));
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.contentType).send(await deps.metrics.metrics());
  });
  app.use(jsonBody(deps.maxBody));
  // Before the thread routes: it answers GET /threads/:id/events when the client asks for SSE.
  app.use(threadStreamRoutes(deps));
  app.use(agentRoutes(deps));
  app.use(threadRoutes(deps));
  app.use(usageRoutes({ usage: deps.store.usage, now: deps.now ?? Date.now }));
  app.use(interruptRoutes({ interrupts: deps.interrupts, audit: deps.store.interrupts }));
  app.use(adminAgentRoutes(deps));
  app.use(routeNotFound);
  app.use(errorHandler(deps.logger));
  return app;
}
