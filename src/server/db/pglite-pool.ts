import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type { PgliteLike } from './pglite-thread.ts';

/**
 * PGlite is one connection. Kysely's Postgres driver expects a pool whose clients run transactions with
 * plain BEGIN/COMMIT, so the adapter hands out the single connection to one holder at a time: concurrent
 * requests queue here instead of interleaving statements inside each other's transactions.
 */
export function pglitePool(db: PgliteLike): PostgresPool {
  let tail: Promise<void> = Promise.resolve();

  const client = (release: () => void): PostgresPoolClient =>
    ({
    async query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>> {
      // Migrations are multi-statement scripts, which only the simple protocol (exec) accepts.
      if (parameters.length === 0 && /;\s*\S/.test(sql)) {
        const results = await db.exec(sql);
        const last = results[results.length - 1];
        return { command: 'SELECT', rowCount: last?.affectedRows ?? 0, rows: (last?.rows ?? []) as R[] };
      }
      const result = await db.query<R>(sql, [...parameters]);
      const command = /^\s*(insert|update|delete|merge)\b/i.exec(sql)?.[1]?.toUpperCase() ?? 'SELECT';
      return {
        command: command as PostgresQueryResult<R>['command'],
        rowCount: result.affectedRows ?? result.rows.length,
        rows: result.rows,
      };
    },
    release,
  }) as unknown as PostgresPoolClient; // the cursor overload is never used: we do not stream via cursors

  return {
    connect() {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const ready = tail;
      tail = tail.then(() => held);
      return ready.then(() => client(release));
    },
    async end() {
      await tail;
    },
  };
}
