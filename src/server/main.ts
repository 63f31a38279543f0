import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { openRuntime } from './runtime.ts';

/** `civicgrid start`: boot, listen, and shut down cleanly on SIGINT/SIGTERM so no acknowledged write is lost. */
export async function startServer(config: Config): Promise<void> {
  const runtime = await openRuntime(config);
  const app = await buildApp({ deps: runtime.deps, taxonomy: runtime.taxonomy });
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  runtime.deps.logger.info(`CivicGrid (${runtime.mode} mode, ${runtime.database.kind}) listening on ${address}`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    runtime.deps.logger.info({ signal }, 'shutting down');
    await app.close();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
