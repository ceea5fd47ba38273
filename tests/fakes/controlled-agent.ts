import { Observable, Subject } from 'rxjs';
import type { Agent, AgentRunContext } from '../../src/agents/agent.js';
import type { AgentEvent } from '../../src/protocol/agent-event.js';

/** One run of a controlled agent, driven by the test. */
export interface ControlledRun {
  context: AgentRunContext;
  emit(event: AgentEvent): void;
  complete(): void;
  fail(error: unknown): void;
  /** Resolves when the bridge unsubscribes from the run (cancel, client gone, shutdown). */
  unsubscribed: Promise<void>;
}

/** An agent whose runs the test drives event by event; `nextRun()` resolves when a run starts. */
export function createControlledAgent(
  id = 'controlled',
  options: { concurrency?: 'reject' | 'enqueue' } = {},
): Agent & { nextRun(): Promise<ControlledRun> } {
  const started = new Subject<ControlledRun>();
  const waiting: ((run: ControlledRun) => void)[] = [];
  const queued: ControlledRun[] = [];
  started.subscribe((run) => {
    const waiter = waiting.shift();
    if (waiter) waiter(run);
    else queued.push(run);
  });
  return {
    id,
    name: 'Controlled',
    description: 'A test agent driven step by step',
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    capabilities: () => ({}),
    toolPolicies: () => [],
    run: (context) =>
      new Observable<AgentEvent>((subscriber) => {
        let markUnsubscribed!: () => void;
        const unsubscribed = new Promise<void>((resolve) => (markUnsubscribed = resolve));
        started.next({
          context,
          emit: (event) => subscriber.next(event),
          complete: () => subscriber.complete(),
          fail: (error) => subscriber.error(error),
          unsubscribed,
        });
        return () => markUnsubscribed();
      }),
    nextRun: () => {
      const run = queued.shift();
      return run ? Promise.resolve(run) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}
