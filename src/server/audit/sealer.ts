import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { AuditStore } from './store.ts';

export interface AuditSealer {
  /** Stops the timer, waits for a round in flight, then seals once more so no acknowledged write stays unsealed. */
  stop(): Promise<void>;
}

/**
 * Seals committed audit rows every `intervalMs` (D6: the window in which a committed row is not yet
 * tamper-evident is at most about one interval plus a round). Safe with several server nodes: the sealer's
 * advisory lock makes them take turns, and the second finds nothing left to do. A failed round (database
 * briefly down) is logged; the next one picks up where it stopped, because pending rows stay pending.
 */
export function startAuditSealer(db: Db, audit: AuditStore, logger: Logger, intervalMs = 500): AuditSealer {
  let stopped = false;
  let round: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const tick = () => {
    round = audit
      .sealAll(db)
      .then((n) => {
        if (n) logger.debug({ sealed: n }, 'audit rows sealed');
      })
      .catch((err: unknown) => logger.error({ err }, 'audit seal failed'))
      .finally(() => {
        if (!stopped) schedule();
      });
  };
  const schedule = () => {
    timer = setTimeout(tick, intervalMs);
    timer.unref();
  };
  schedule();

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      await round;
      await audit.sealAll(db);
    },
  };
}
