import type { Logger } from 'pino';

/** The part of pg's Pool that Kysely's PostgresDialect uses. */
export interface QueryPool {
  connect(): Promise<QueryClient>;
  end(): Promise<void>;
}
export interface QueryClient {
  query(sql: string, params?: readonly unknown[]): Promise<unknown>;
  release(err?: boolean | Error): void;
}

export interface ReplicaRouter {
  /** the pool the read handle (deps.readDb) runs on */
  pool: QueryPool;
  /** true while reads go to the replica */
  readonly usingReplica: boolean;
  /** one health check now (the timer calls it too; a test calls it instead of waiting for the timer) */
  check(): Promise<boolean>;
  close(): Promise<void>;
}

// Class 08 (connection exception), 57P01..57P03 (admin/crash shutdown, cannot connect now) and socket errors:
// the replica is gone, not the query wrong, so the same read may be asked of the primary.
function isConnectionLoss(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  const code = e?.code ?? '';
  if (code.startsWith('08') || code.startsWith('57P') || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND'].includes(code)) return true;
  return /Connection terminated|connection timeout|not queryable|Client has encountered a connection error/i.test(e?.message ?? '');
}

/**
 * Reads that tolerate seconds of lag go to a streaming replica; when it is unreachable they fall back to the
 * primary (with one log line) and come back after a health check finds it again. Writes never use this pool:
 * it backs only the read handle, and a standby refuses writes anyway (25006), so a mistake fails loudly.
 */
export function createReplicaRouter(primary: QueryPool, replica: QueryPool, opts: { logger: Logger; checkEveryMs: number }): ReplicaRouter {
  let healthy = true;
  const mark = (ok: boolean, err?: unknown) => {
    if (ok === healthy) return;
    healthy = ok;
    if (ok) opts.logger.info('read replica is back: dashboard, evaluation and open-data reads use it again');
    else opts.logger.warn({ reason: (err as Error)?.message ?? String(err) }, 'read replica unreachable: reads fall back to the primary');
  };

  async function check(): Promise<boolean> {
    try {
      const c = await replica.connect();
      try {
        await c.query('select 1');
        c.release();
      } catch (err) {
        c.release(true);
        throw err;
      }
      mark(true);
    } catch (err) {
      mark(false, err);
    }
    return healthy;
  }
  const timer = setInterval(() => void check(), opts.checkEveryMs);
  timer.unref();

  // A client handed out while the replica was up may lose it mid-read: that read is retried once on the primary.
  const guarded = (client: QueryClient): QueryClient => {
    let fallback: QueryClient | undefined;
    let broken = false;
    return {
      async query(sqlText, params) {
        if (fallback) return fallback.query(sqlText, params);
        try {
          return await client.query(sqlText, params);
        } catch (err) {
          if (!isConnectionLoss(err)) throw err;
          mark(false, err);
          broken = true;
          fallback = await primary.connect();
          return fallback.query(sqlText, params);
        }
      },
      release(err) {
        client.release(broken || err);
        fallback?.release(err);
      },
    };
  };

  const pool: QueryPool = {
    async connect() {
      if (healthy) {
        try {
          return guarded(await replica.connect());
        } catch (err) {
          if (!isConnectionLoss(err)) throw err;
          mark(false, err);
        }
      }
      return primary.connect();
    },
    // the primary pool belongs to the write handle, which ends it
    async end() {
      clearInterval(timer);
      await replica.end();
    },
  };

  return {
    pool,
    get usingReplica() {
      return healthy;
    },
    check,
    async close() {
      await pool.end();
    },
  };
}
