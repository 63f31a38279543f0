import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/** One case event of the demo history, as the bulk insert reads it. */
export interface HistoryEvent {
  case_id: string;
  at: string;
  actor_id: string | null;
  actor: string;
  action: string;
  from_state: string | null;
  to_state: string;
  reason: string | null;
  payload: Record<string, unknown>;
}

/**
 * The reads and bulk writes behind the demo case history: rows go in as JSON arrays (a few statements per
 * 1,000 cases), the evaluation triggers stand aside while they do, and one set-based rebuild follows.
 */
export function createHistoryStore() {
  return {
    usernames: async (db: Db) => new Map((await db.selectFrom('users').select(['id', 'username']).execute()).map((u) => [u.username, u.id])),
    /** The grids with their centres, by code. */
    grids: async (db: Db) =>
      (
        await sql<{ code: string; path: string; lon: number; lat: number }>`
          select a.code, a.path::text as path, g.center_lon as lon, g.center_lat as lat from areas a join area_geometries g on g.area_code = a.code
          where a.level = 'grid' order by a.code`.execute(db)
      ).rows,
    /** The evaluation triggers stand aside for the rest of the transaction. */
    bulkMode: async (tx: Db) => {
      await sql`select set_config('civicgrid.evaluation_bulk', 'on', true)`.execute(tx);
    },
    async insertCases(tx: Db, cases: Record<string, unknown>[]) {
      for (let i = 0; i < cases.length; i += 2000) {
        // the columns named, so a column another migration adds keeps its default
        const cols = sql.raw(Object.keys(cases[0]!).join(', '));
        await sql`insert into cases (${cols}) select ${cols} from jsonb_populate_recordset(null::cases, ${JSON.stringify(cases.slice(i, i + 2000))}::jsonb)`.execute(tx);
      }
    },
    async insertEvents(tx: Db, events: HistoryEvent[]) {
      for (let i = 0; i < events.length; i += 10_000) {
        await sql`insert into case_events (case_id, at, actor_id, actor, action, from_state, to_state, reason, payload)
          select case_id, at, actor_id, actor, action, from_state, to_state, reason, payload
          from jsonb_to_recordset(${JSON.stringify(events.slice(i, i + 10_000))}::jsonb) as x(case_id uuid, at timestamptz, actor_id uuid, actor text, action text, from_state text, to_state text, reason text, payload jsonb)
          order by at`.execute(tx);
      }
    },
    async insertObjections(tx: Db, objections: Record<string, unknown>[]) {
      if (!objections.length) return;
      await sql`insert into case_objections (case_id, department_code, reason, objected_by_name, objected_at, redispatched_to, redispatched_at)
        select case_id, department_code, reason, objected_by_name, objected_at, redispatched_to, redispatched_at
        from jsonb_to_recordset(${JSON.stringify(objections)}::jsonb) as x(case_id uuid, department_code text, reason text, objected_by_name text, objected_at timestamptz, redispatched_to text, redispatched_at timestamptz)`.execute(tx);
    },
    /** The case-code counters move past the history's numbers (never back). */
    async bumpCodeDays(tx: Db, dayRows: { day: string; last_no: number }[]) {
      await sql`insert into case_code_days (day, last_no) select day, last_no from jsonb_to_recordset(${JSON.stringify(dayRows)}::jsonb) as x(day text, last_no int)
        on conflict (day) do update set last_no = greatest(case_code_days.last_no, excluded.last_no)`.execute(tx);
    },
    rebuild: async (tx: Db) => {
      await sql`select evaluation_rebuild()`.execute(tx);
      // the case counters (0026) stood aside too
      await sql`select case_counts_rebuild()`.execute(tx);
    },
  };
}
export type HistoryStore = ReturnType<typeof createHistoryStore>;
