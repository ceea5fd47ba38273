import type { RateCounter } from '../cluster/rate-counter.js';
import { RateLimitedError } from '../protocol/bridge-error.js';
import type { RunService } from './run-service.js';

/**
 * A run service whose `start` counts against the tenant's runs per minute (the WebSocket's `run`
 * messages; HTTP runs are limited by middleware on the same counter and key). A counter that fails
 * lets the run through.
 */
export function rateLimitRuns(
  runs: RunService,
  options: { counter: RateCounter; perMinute: number; now: () => number },
): RunService {
  if (options.perMinute <= 0) return runs;
  return {
    ...runs,
    async start(request) {
      const hit = await options.counter.hit(`tenant:${request.tenantId}`).catch(() => null);
      if (hit && hit.count > options.perMinute) {
        throw new RateLimitedError(Math.max(1, Math.ceil((hit.resetAt - options.now()) / 1000)), 'runs');
      }
      return runs.start(request);
    },
  };
}
