import { buildApp } from './app.ts';
import { startAuditSealer } from './audit/sealer.ts';
import { startDatahallJobs } from './datahall/jobs.ts';
import { startBrainServices } from './brain/register.ts';
import { startSupervisionSweeper } from './cases/supervision.ts';
import { ConfigError, type Config } from './config.ts';
import { describeDataDirHolder } from './db/data-dir-lock.ts';
import { createPartitionJobs, startPartitionJobs } from './db/partition-jobs.ts';
import { startDisputeJobs } from './disputes/register.ts';
import { openRuntime } from './runtime.ts';
import { createServices } from './services.ts';
import { startNotifyJobs } from './notify/register.ts';
import { blobStoreFor } from './storage/from-config.ts';
import { startTriageWorker } from './triage/worker.ts';

/** `civicgrid start`: boot, listen, and shut down cleanly on SIGINT/SIGTERM so no acknowledged write is lost. */
export async function startServer(config: Config): Promise<void> {
  describeDataDirHolder({ what: 'civicgrid start', port: config.PORT }); // named in the line a second process gets
  // first: the triage worker loads its code and decodes the cached model while the database opens (issue #19)
  const triageSource = startTriageWorker(config.CIVICGRID_DATA_DIR);
  const runtime = await openRuntime(config, { pgliteThread: true }).catch(async (err: unknown) => {
    await triageSource.close();
    throw err;
  });
  // one blob store for the process (one keep-alive agent on S3), checked before anything is served
  const blobs = blobStoreFor(config);
  // a bucket that is missing or refuses these keys stops the boot here, not at the first photo of the day
  await blobs
    .check()
    .catch(async (err: unknown) => {
      await runtime.close();
      await triageSource.close();
      throw new ConfigError(`storage: ${(err as Error).message}`);
    });
  // every service once; the app's routes and the sweepers below share them (one case service, one feed)
  const services = createServices(runtime.deps, runtime.taxonomy, { blobs });
  const app = await buildApp({ deps: runtime.deps, taxonomy: runtime.taxonomy, services, warmTriage: true, triageSource });
  // Fastify's own "Server listening" line would come before the broker and jobs are up; it says only that the
  // socket is bound, and our "listening" line below is logged once the server really answers.
  const address = await app.listen({ port: config.PORT, host: config.HOST, listenTextResolver: (a) => `socket bound at ${a}, starting jobs` });
  await startBrainServices(app, config.MQTT_PORT); // MQTT broker (embedded on MQTT_PORT, or MQTT_URL) and the City Brain sweeper; stopped by app.close()
  const stopDatahall = startDatahallJobs(runtime.deps, services.datahall.sharing); // publishes the data hall access log's daily chain heads
  // 督办 sweep every minute; safe with several nodes (each batch claims rows with FOR UPDATE SKIP LOCKED)
  const stopSweeper = startSupervisionSweeper(services.cases.runSupervisionSweep, 60_000, runtime.deps.logger);
  const stopRiskJobs = startDisputeJobs(services.disputes, runtime.deps.logger); // 风险预警 scan every minute, patrol track retention hourly
  // links committed audit rows into the hash chain every 500 ms (D6); several nodes take turns on its lock
  const sealer = startAuditSealer(runtime.deps.db, runtime.deps.audit, runtime.deps.logger, 500);
  // months of case_events and readings created ahead; strays in the default partitions moved to their month
  const stopPartitions = startPartitionJobs(createPartitionJobs(runtime.deps.db, runtime.deps.clock), runtime.deps.logger);
  const stopNotify = startNotifyJobs(services.notify.jobs, 5_000, runtime.deps.logger); // outbox delivery + 回访 sampling, multi-node safe (SKIP LOCKED)
  runtime.deps.logger.info(`CivicGrid (${runtime.mode} mode, ${runtime.database.kind}) listening on ${address}`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    runtime.deps.logger.info({ signal }, 'shutting down');
    stopSweeper();
    stopDatahall();
    stopNotify();
    stopRiskJobs();
    await stopPartitions();
    await app.close();
    // after the last request has committed: seal once more so nothing acknowledged is left unsealed
    await sealer.stop().catch((err: unknown) => runtime.deps.logger.error({ err }, 'final audit seal failed'));
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
