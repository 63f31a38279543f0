import type { Deps } from '../context.ts';
import type { SharingService } from './sharing-service.ts';

/**
 * Publishes the access log's chain head for every finished day, hourly (and at start). Idempotent and
 * locked, so several nodes may run it. Returns the stopper.
 */
export function startDatahallJobs(deps: Deps, sharing: SharingService, intervalMs = 3_600_000): () => void {
  const run = () =>
    sharing
      .publishHeads()
      .then((n) => n && deps.logger.info({ days: n }, 'datahall chain heads published'))
      .catch((err: unknown) => deps.logger.error({ err }, 'datahall chain head publishing failed'));
  void run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
