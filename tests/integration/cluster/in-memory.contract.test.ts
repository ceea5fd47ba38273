import { createInMemoryRunLock } from '../../../src/cluster/in-memory-cluster.js';
import { createInMemoryEventBus } from '../../../src/live/in-memory-event-bus.js';
import { describeEventBusContract } from './event-bus.contract.js';
import { describeRunLockContract } from './run-lock.contract.js';

describeEventBusContract('in-memory', async () => ({
  bus: createInMemoryEventBus(),
  dispose: async () => undefined,
}));

describeRunLockContract('in-memory', async () => {
  // One process: both "instances" share the process's lock.
  const lock = createInMemoryRunLock();
  return { first: lock, second: lock, dispose: async () => undefined };
});
