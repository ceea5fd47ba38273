import type { Server } from 'node:http';
import { createBridgeRuntime } from './bridge-runtime.js';
import { loadConfig } from './config.js';

/** Starts the bridge in the foreground; SIGINT/SIGTERM drain active runs, then exit. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const runtime = await createBridgeRuntime(config);
  const server: Server = runtime.app.listen(config.PORT, config.HOST, () => {
    runtime.logger.info(
      { url: `http://${config.HOST}:${config.PORT}`, role: runtime.role },
      'bridge listening',
    );
  });
  const ws = runtime.attachWebSocket(server);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.logger.info({ signal }, 'draining');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Active runs end with RUN_FINISHED outcome cancelled, logged and sent (to live subscribers too),
    // then followers are closed and the database after them.
    void runtime.runs
      .shutdown()
      .then(async () => {
        runtime.subscribers.closeAll();
        await ws.close();
      })
      .then(() => runtime.close())
      .then(async () => {
        server.closeIdleConnections();
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
        server.closeAllConnections();
        process.exit(0);
      })
      .catch((error: unknown) => {
        runtime.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
