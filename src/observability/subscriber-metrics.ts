import { Gauge, type Registry } from 'prom-client';
import type { SubscriberRegistry } from '../live/subscriber-registry.js';

/** Live followers of threads in this process, by transport (SSE thread streams, WebSocket subscriptions). */
export function observeSubscribers(
  registry: Registry,
  subscribers: Pick<SubscriberRegistry, 'totals'>,
): void {
  new Gauge({
    name: 'bridge_live_subscribers',
    help: 'Live thread subscribers on this instance, by transport (sse, ws)',
    labelNames: ['transport'],
    registers: [registry],
    collect() {
      const totals = subscribers.totals();
      this.set({ transport: 'sse' }, totals.sse);
      this.set({ transport: 'ws' }, totals.ws);
    },
  });
}
