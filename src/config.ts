import { z } from 'zod';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** The bridge's configuration, from the environment (../shared/contract.md lists the variables). */
export const ConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z
      .string()
      .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: (SQLite) or postgres:// (PostgreSQL)')
      .default('file:./data/bridge.db'),
    REDIS_URL: z.string().optional(),
    OPENAI_API_KEY: z.string().optional(),
    OPENAI_BASE_URL: z.string().url().optional(),
    BRIDGE_AGENTS_FILE: z.string().optional(),
    BRIDGE_API_KEYS: z.string().optional(),
    /** Comma-separated tenants allowed to use /admin (agent definitions); unset: every caller with a valid key. */
    BRIDGE_ADMIN_TENANTS: z.string().optional(),
    BRIDGE_MAX_BODY: z
      .string()
      .regex(/^\d+(b|kb|mb|gb)?$/i, 'must be a size such as 512kb or 10mb')
      .default('10mb'),
    /** Milliseconds between SSE keep-alive comments on an idle stream. */
    BRIDGE_SSE_KEEPALIVE_MS: z.coerce.number().int().positive().default(15_000),
    /** Milliseconds the demo agent pauses between streamed pieces (0 streams at full speed). */
    BRIDGE_DEMO_DELAY_MS: z.coerce.number().int().min(0).default(40),
    /** Milliseconds an LLM request may take to answer, and may stay silent between streamed chunks. */
    BRIDGE_LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
    /** Retries of a failed LLM request (connection errors, 429, 5xx) before LLM_ERROR. */
    BRIDGE_LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(1),
    /** Milliseconds between sweeps that mark interrupts past their expiry EXPIRED. */
    BRIDGE_INTERRUPT_SWEEP_MS: z.coerce.number().int().positive().default(30_000),
    /** Prefix of every Redis key and channel (several bridges can share one Redis). */
    BRIDGE_REDIS_PREFIX: z.string().min(1).default('bridge:'),
    /** How long a run lock outlives its holder's last heartbeat: a crashed instance's runs are reaped after this. */
    BRIDGE_RUN_LOCK_TTL_MS: z.coerce.number().int().min(300).default(15_000),
    /** WebSocket connections that may subscribe to one thread (the next gets TOO_MANY_CONNECTIONS). */
    BRIDGE_WS_MAX_CONNECTIONS_PER_THREAD: z.coerce.number().int().min(1).default(5),
    /** How long a run of an `enqueue` agent waits for its busy thread before 409 THREAD_BUSY. */
    BRIDGE_ENQUEUE_TIMEOUT_MS: z.coerce.number().int().min(0).default(120_000),
    /**
     * `all`: serve HTTP and execute runs; `web`: serve HTTP/WS and queue runs for workers;
     * `worker`: execute queued runs (serves /health and /ready only). docs/deployment.md, section (c).
     */
    BRIDGE_ROLE: z.enum(['all', 'web', 'worker']).default('all'),
    /** Runs one worker process executes at once. */
    BRIDGE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).default(8),
    /** How long a web instance waits for a worker to pick a queued run up before 503. */
    BRIDGE_WORKER_PICKUP_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
    /**
     * YAML or JSON price table of LLM models (USD per million tokens) for usage costs; default
     * `./prices.yaml` when it exists. docs/operations.md describes the format.
     */
    BRIDGE_PRICES_FILE: z.string().min(1).optional(),
    /** Requests per minute per tenant (API key), or per client IP without keys; 0 disables. /health is exempt. */
    BRIDGE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
    /** Runs started per minute per tenant or IP (POST /agent/:id/run and WebSocket `run`); 0 disables. */
    BRIDGE_RUN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(120),
    /** `1`: human-readable logs (pino-pretty); `0`: JSON lines; unset: pretty only when stdout is a terminal. */
    LOG_PRETTY: z.enum(['0', '1']).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((config, ctx) => {
    if (config.BRIDGE_ROLE !== 'all' && !config.REDIS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['BRIDGE_ROLE'],
        message: `${config.BRIDGE_ROLE} needs REDIS_URL (web instances and workers share a queue on Redis)`,
      });
    }
    if (!config.BRIDGE_API_KEYS && !LOOPBACK.has(config.HOST)) {
      ctx.addIssue({
        code: 'custom',
        path: ['HOST'],
        message: `refusing to listen on non-loopback ${config.HOST} without BRIDGE_API_KEYS`,
      });
    }
  });

/** The parsed configuration. */
export type Config = z.infer<typeof ConfigSchema>;

/** Parses the environment; throws one error naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`Invalid configuration:\n  ${lines.join('\n  ')}`);
}
