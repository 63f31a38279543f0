import { buildApp } from './app.ts';
import { startAuditSealer } from './audit/sealer.ts';
import { startBrainServices } from './brain/register.ts';
import { createCaseService } from './cases/service.ts';
import { startSupervisionSweeper } from './cases/supervision.ts';
import { ConfigError, type Config } from './config.ts';
import { startDisputeJobs } from './disputes/register.ts';
import { openRuntime } from './runtime.ts';
import { blobStoreFor } from './storage/from-config.ts';

/** `civicgrid start`: boot, listen, and shut down cleanly on SIGINT/SIGTERM so no acknowledged write is lost. */
export async function startServer(config: Config): Promise<void> {
  const runtime = await openRuntime(config);
  // a bucket that is missing or refuses these keys stops the boot here, not at the first photo of the day
  await blobStoreFor(config)
    .check()
    .catch(async (err: unknown) => {
      await runtime.close();
      throw new ConfigError(`storage: ${(err as Error).message}`);
    });
  const app = await buildApp({ deps: runtime.deps, taxonomy: runtime.taxonomy, warmTriage: true });
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  await startBrainServices(app, config.MQTT_PORT); // MQTT broker (embedded on MQTT_PORT, or MQTT_URL) and the City Brain sweeper; stopped by app.close()
  // 督办 sweep every minute; safe with several nodes (each batch claims rows with FOR UPDATE SKIP LOCKED)
  const stopSweeper = startSupervisionSweeper(createCaseService(runtime.deps, { taxonomy: runtime.taxonomy }).runSupervisionSweep, 60_000, runtime.deps.logger);
  const stopRiskJobs = startDisputeJobs(runtime.deps, runtime.taxonomy); // 风险预警 scan every minute, patrol track retention hourly
  // links committed audit rows into the hash chain every 500 ms (D6); several nodes take turns on its lock
  const sealer = startAuditSealer(runtime.deps.db, runtime.deps.audit, runtime.deps.logger, 500);
  runtime.deps.logger.info(`CivicGrid (${runtime.mode} mode, ${runtime.database.kind}) listening on ${address}`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    runtime.deps.logger.info({ signal }, 'shutting down');
    stopSweeper();
    stopRiskJobs();
    await app.close();
    // after the last request has committed: seal once more so nothing acknowledged is left unsealed
    await sealer.stop().catch((err: unknown) => runtime.deps.logger.error({ err }, 'final audit seal failed'));
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
