import type { RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type RateLimitInfo, type Store } from 'express-rate-limit';
import type { RateCounter } from '../cluster/rate-counter.js';
import { RateLimitedError } from '../protocol/bridge-error.js';
import { rateLimitRuns } from '../runs/rate-limited-run-service.js';
import type { RunService } from '../runs/run-service.js';

/** Rate limit windows are one minute: limits are configured per minute. */
export const RATE_LIMIT_WINDOW_MS = 60_000;

/** What one limiter needs. */
export interface RateLimiterOptions {
  /** Requests per minute per client; 0 means no limit (the limiter is not built). */
  perMinute: number;
  counter: RateCounter;
  /** True when the counter is shared across instances (Redis). */
  shared: boolean;
  /** What is limited, for the error message: `requests`, `runs`. */
  what: string;
  now: () => number;
}

/** The client a request counts against: its tenant when API keys are on, else its IP address. */
export function rateLimitKey(req: { ip?: string | undefined }, res: Response): string {
  const tenantId = (res.locals as { tenantId?: string }).tenantId;
  // ipKeyGenerator folds an IPv6 address into its /56: one client owns a whole prefix.
  return tenantId ? `tenant:${tenantId}` : `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
}

/** Seconds until a window ending at `resetAt` is over, at least 1. */
export function retryAfterSeconds(resetAt: number, now: number): number {
  return Math.max(1, Math.ceil((resetAt - now) / 1000));
}

/**
 * An express-rate-limit middleware over a RateCounter: over the limit, 429 RATE_LIMITED with
 * `details.retryAfterSeconds` and a `Retry-After` header. A counter that fails (Redis away) lets
 * requests through rather than failing them.
 */
export function createRateLimiter(options: RateLimiterOptions): RequestHandler | undefined {
  if (options.perMinute <= 0) return undefined;
  return rateLimit({
    windowMs: RATE_LIMIT_WINDOW_MS,
    limit: options.perMinute,
    store: toStore(options.counter, options.shared, options.what),
    keyGenerator: rateLimitKey,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    passOnStoreError: true,
    handler: (req, res, next) => {
      const info = (req as { rateLimit?: RateLimitInfo }).rateLimit;
      const resetAt = info?.resetTime?.getTime() ?? options.now() + RATE_LIMIT_WINDOW_MS;
      const seconds = retryAfterSeconds(resetAt, options.now());
      res.setHeader('Retry-After', String(seconds));
      next(new RateLimitedError(seconds, options.what));
    },
  });
}

function toStore(counter: RateCounter, shared: boolean, name: string): Store {
  return {
    localKeys: !shared,
    // Tells express-rate-limit the two limiters count different things for the same key.
    prefix: `${name}:`,
    async increment(key) {
      const { count, resetAt } = await counter.hit(key);
      return { totalHits: count, resetTime: new Date(resetAt) };
    },
    decrement: (key) => counter.undo(key),
    resetKey: (key) => counter.reset(key),
  };
}

/** The bridge's limiters: every request, runs started over HTTP, and (through `limitRuns`) over WebSocket. */
export interface RateLimits {
  requests: RequestHandler | undefined;
  runs: RequestHandler | undefined;
  /** The run service the WebSocket uses: its runs count against the same window as HTTP runs. */
  limitRuns(runs: RunService): RunService;
}

/** Builds the limiters over named counters (`requests`, `runs`); a limit of 0 builds none. */
export function createRateLimits(options: {
  requestsPerMinute: number;
  runsPerMinute: number;
  counter: (name: string) => RateCounter;
  shared: boolean;
  now: () => number;
}): RateLimits {
  const { shared, now } = options;
  const runCounter = options.counter('runs');
  return {
    requests: createRateLimiter({
      perMinute: options.requestsPerMinute,
      counter: options.counter('requests'),
      shared,
      what: 'requests',
      now,
    }),
    runs: createRateLimiter({
      perMinute: options.runsPerMinute,
      counter: runCounter,
      shared,
      what: 'runs',
      now,
    }),
    limitRuns: (runs) => rateLimitRuns(runs, { counter: runCounter, perMinute: options.runsPerMinute, now }),
  };
}
