import { Counter, Gauge, type Registry } from 'prom-client';
import type { BridgeStore } from '../store/bridge-store.js';

/**
 * The store, counting interrupts as they are recorded (by reason) and answered (by outcome:
 * approved, rejected, cancelled, expired), plus gauges read from the database when scraped: pending
 * interrupts and the age of the oldest (the same on every instance: aggregate with max, not sum).
 */
export function instrumentInterrupts(store: BridgeStore, registry: Registry, now: () => number): BridgeStore {
  const created = new Counter({
    name: 'bridge_interrupts_created_total',
    help: 'Interrupts runs ended with, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const resolved = new Counter({
    name: 'bridge_interrupts_resolved_total',
    help: 'Interrupts answered, by outcome (approved, rejected, cancelled, expired)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  new Gauge({
    name: 'bridge_interrupts_pending',
    help: 'Interrupts waiting for an answer (all tenants)',
    registers: [registry],
    async collect() {
      this.set((await store.interrupts.pendingStats()).count);
    },
  });
  new Gauge({
    name: 'bridge_interrupt_oldest_pending_age_seconds',
    help: 'Age of the oldest pending interrupt (0 when none)',
    registers: [registry],
    async collect() {
      const { oldestCreatedAt } = await store.interrupts.pendingStats();
      this.set(oldestCreatedAt ? Math.max(0, (now() - oldestCreatedAt.getTime()) / 1000) : 0);
    },
  });
  const { threads, interrupts } = store;
  return {
    ...store,
    threads: {
      ...threads,
      async finishRun(input) {
        await threads.finishRun(input);
        for (const interrupt of input.interrupts) created.inc({ reason: interrupt.reason });
      },
    },
    interrupts: {
      ...interrupts,
      async resolve(resolutions) {
        await interrupts.resolve(resolutions);
        for (const r of resolutions) resolved.inc({ outcome: r.status.toLowerCase() });
      },
      async expireDue(at) {
        const count = await interrupts.expireDue(at);
        if (count > 0) resolved.inc({ outcome: 'expired' }, count);
        return count;
      },
    },
  };
}
