import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Observable } from 'rxjs';
import type { BaseEvent, RunAgentInput } from '@ag-ui/core';
import { scriptedAguiRun } from '../shaped-events.js';
import { closeServer, listenOnLoopback, type Contestant, type ServerUnderTest } from './server-under-test.js';

/**
 * CopilotKit's runtime is not a dependency of this repository: the bench loads it from a folder
 * of its own (`BENCH_COPILOTKIT_DIR`, where `npm install @copilotkit/runtime` was run), or skips it.
 */
export const COPILOTKIT_DIR = process.env.BENCH_COPILOTKIT_DIR;

/** The slice of `@copilotkit/runtime/v2` (and its own `@ag-ui/client`) the bench uses. */
interface CopilotKitModules {
  version: string;
  AbstractAgent: new (config?: { agentId?: string; description?: string }) => object;
  CopilotRuntime: new (options: { agents: Record<string, object>; runner: object }) => object;
  InMemoryAgentRunner: new () => object;
  createCopilotNodeListener(options: {
    runtime: object;
    basePath: string;
    activateChannels?: boolean;
  }): (req: IncomingMessage, res: ServerResponse) => void;
}

/** Loads the runtime from `dir` (CommonJS entry points, resolved from that folder only). */
function loadCopilotKit(dir: string): CopilotKitModules {
  const fromDir = createRequire(path.join(path.resolve(dir), 'package.json'));
  const runtimeEntry = fromDir.resolve('@copilotkit/runtime/v2');
  const fromRuntime = createRequire(runtimeEntry);
  const v2 = fromDir('@copilotkit/runtime/v2') as Omit<
    CopilotKitModules,
    'AbstractAgent' | 'version' | 'createCopilotNodeListener'
  >;
  const node = fromDir('@copilotkit/runtime/v2/node') as Pick<CopilotKitModules, 'createCopilotNodeListener'>;
  const client = fromRuntime('@ag-ui/client') as Pick<CopilotKitModules, 'AbstractAgent'>;
  const { version } = fromDir('@copilotkit/runtime/package.json') as { version: string };
  return { ...v2, ...node, AbstractAgent: client.AbstractAgent, version };
}

/** The scripted agent as a CopilotKit (AG-UI `AbstractAgent`) agent: the same mix, shapes and stamps. */
function benchAgentClass(AbstractAgent: CopilotKitModules['AbstractAgent']): new () => object {
  return class BenchAgent extends AbstractAgent {
    constructor() {
      super({ agentId: 'bench', description: 'Scripted benchmark agent' });
    }

    run(input: RunAgentInput): Observable<BaseEvent> {
      return scriptedAguiRun(input);
    }
  };
}

/**
 * CopilotKit's runtime (v2, `CopilotRuntime` with its `InMemoryAgentRunner`, served by its own
 * Node listener at `/agent/:agentId/run`) running the scripted agent. Telemetry is turned off.
 */
export async function startCopilotKitServer(): Promise<ServerUnderTest> {
  if (!COPILOTKIT_DIR) throw new Error('BENCH_COPILOTKIT_DIR is not set');
  process.env.COPILOTKIT_TELEMETRY_DISABLED = 'true';
  const ck = loadCopilotKit(COPILOTKIT_DIR);
  const BenchAgent = benchAgentClass(ck.AbstractAgent);
  const runtime = new ck.CopilotRuntime({
    agents: { bench: new BenchAgent() },
    runner: new ck.InMemoryAgentRunner(),
  });
  const listener = ck.createCopilotNodeListener({ runtime, basePath: '/', activateChannels: false });
  const server = createServer(listener);
  const url = await listenOnLoopback(server);
  const quiet = quietConsole();
  return {
    url,
    features: { connect: true },
    problems: quiet.problems,
    close: () => closeServer(server),
  };
}

/** The first lines of what CopilotKit's runtime prints for a failed run. */
const CK_ERROR = /^(Error running agent|Error stack|Error details|Agent execution failed)/;

/**
 * CopilotKit's runtime reports a failed run on `console.error`, several lines each (thousands when
 * a client gives up on long runs, and its runs go on after the server closed): those lines are
 * counted and the first kept, for the whole bench process; any other line is printed.
 */
function quietConsole(): { problems(): string[] } {
  const original = console.error.bind(console);
  let count = 0;
  let first: string | undefined;
  console.error = (...args: unknown[]) => {
    const text = args.map(String).join(' ');
    if (!CK_ERROR.test(text)) return original(...args);
    count++;
    first ??= text.slice(0, 200);
  };
  return {
    problems: () =>
      count > 0 ? [`${count} console.error lines from CopilotKit; the first: ${first ?? ''}`] : [],
  };
}

/** CopilotKit's runtime as a contestant (skipped, with the reason, when it is not installed). */
export const copilotKitContestant: Contestant = {
  key: 'copilotkit',
  label: 'CopilotKit runtime (in-memory runner)',
  start: startCopilotKitServer,
};
