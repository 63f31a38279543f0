import type { Logger } from 'pino';

/**
 * The delivery worker: every few seconds one tick (claim due rows FOR UPDATE SKIP LOCKED, deliver, record),
 * then the callback sampler. Safe on several nodes; a tick never overlaps the previous one on this node.
 */
export function startNotifyJobs(jobs: { deliverDue: () => Promise<unknown>; sampleCallbacks: () => Promise<unknown> }, intervalMs: number, logger: Logger): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    Promise.resolve()
      .then(() => jobs.deliverDue())
      .then(() => jobs.sampleCallbacks())
      .catch((err: unknown) => logger.error({ err }, 'notify job failed'))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
