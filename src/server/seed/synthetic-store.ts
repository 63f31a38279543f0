import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/** A grid the synthetic cases are placed in (its centre and the H3 cell of the centre). */
export interface SyntheticGrid { code: string; path: string; lon: number; lat: number; h3: string }
/** A category with its responsible unit and deadline, as the taxonomy gives them. */
export interface SyntheticCategory { code: string; department: string; hours: number; workingTime: boolean; nature: string; text: string }

/** `base`: cases loaded by earlier seeds, so their codes (day × number) never meet. */
export interface SyntheticRange { seed: number; base: number; from: number; to: number; now: Date; tzMinutes: number; grids: SyntheticGrid[]; categories: SyntheticCategory[] }

/** Non-unique, non-primary indexes of `tables` with their definitions, to drop for a bulk write and build after. */
const secondaryIndexes = async (db: Db, tables: readonly string[]) =>
  (
    await sql<{ name: string; def: string }>`
      select c.relname as name, pg_get_indexdef(x.indexrelid) as def from pg_index x
      join pg_class c on c.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
      where t.relname in (${sql.join(tables)}) and t.relnamespace = 'public'::regnamespace and not x.indisunique and not x.indisprimary
      order by c.relname`.execute(db)
  ).rows;

async function dropIndexes(db: Db, names: readonly string[]) {
  for (const n of names) await sql`drop index if exists ${sql.id(n)}`.execute(db);
}

/**
 * The synthetic city as set-based SQL: every value is a hash of (seed, row number, slot), so the same seed gives
 * the same city on PostgreSQL and PGlite, and ten million rows are a handful of INSERT … SELECT statements.
 */
export function createSyntheticStore() {
  return {
    existing: async (db: Db, seed: number) =>
      (await sql<{ cases: string }>`select cases::text as cases from synthetic_seeds where seed = ${seed}`.execute(db)).rows[0],
    grids: async (db: Db) =>
      (
        await sql<{ code: string; path: string; lon: number; lat: number }>`
          select a.code, a.path::text as path, g.center_lon as lon, g.center_lat as lat from areas a join area_geometries g on g.area_code = a.code
          where a.level = 'grid' order by a.code`.execute(db)
      ).rows,
    loaded: async (db: Db) => Number((await sql<{ n: string }>`select coalesce(sum(cases), 0)::text as n from synthetic_seeds`.execute(db)).rows[0]!.n),
    tzMinutes: async (db: Db) => (await sql<{ m: number }>`select tz_minutes as m from evaluation_settings limit 1`.execute(db)).rows[0]?.m ?? 480,
    /**
     * The load's own transaction: triggers on cases/case_events stand aside (one rebuild follows instead of 60M
     * per-row trigger calls; synthetic reporters are anonymous, so the notify outbox has nothing to miss).
     */
    async bulkBegin(tx: Db) {
      await sql`select set_config('civicgrid.evaluation_bulk', 'on', true)`.execute(tx);
      await sql`alter table case_events disable trigger user`.execute(tx);
      // the foreign-key checks of 6 events per case are row triggers too (system ones): a superuser's load
      // skips them as a restore does, since every event's case is inserted by the statement before
      await sql`select set_config('session_replication_role', 'replica', true) from pg_roles where rolname = current_user and rolsuper`.execute(tx);
    },
    /**
     * Secondary (non-unique) indexes of cases and case_events: a big load drops them and builds each once at
     * the end, a sort per index instead of a B-tree/GiST insert per row and index (the load's main cost).
     */
    secondaryIndexes: (db: Db, tables: readonly string[] = ['cases', 'case_events']) => secondaryIndexes(db, tables),
    dropIndexes,
    /** Builds indexes from their definitions (skipping any that exist), with memory for the sorts. */
    async createIndexes(db: Db, defs: readonly { name: string; def: string }[]) {
      await db.transaction().execute(async (tx) => {
        await sql`select set_config('maintenance_work_mem', '512MB', true)`.execute(tx);
        // a partitioned table's index reads back as `ON ONLY parent`, which would cover no partition: build it on all
        for (const d of defs)
          await sql.raw(d.def.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS ').replace(' ON ONLY ', ' ON ')).execute(tx);
      });
    },
    async bulkEnd(tx: Db) {
      await sql`alter table case_events enable trigger user`.execute(tx);
    },
    /** Cases numbered from..to-1 and their events; returns the number of events written. */
    async insertRange(tx: Db, r: SyntheticRange): Promise<number> {
      const grids = JSON.stringify(r.grids.map((g, i) => ({ i, ...g })));
      const cats = JSON.stringify(r.categories.map((c, i) => ({ i, ...c })));
      const ng = r.grids.length;
      const nc = r.categories.length;
      const now = r.now.toISOString();
      // rnd(k): a uniform [0,1) from the hash of (seed, n, k)
      const rnd = (k: number) => sql.raw(`((hashint8(s.n * 64 + ${k} + ${r.seed}::bigint * 1000003) & 2147483647) / 2147483648.0)`);
      await sql`
        with g as (select * from jsonb_to_recordset(${grids}::jsonb) as x(i int, code text, path text, lon float8, lat float8, h3 text)),
        c as (select * from jsonb_to_recordset(${cats}::jsonb) as x(i int, code text, department text, hours float8, "workingTime" boolean, nature text, text text)),
        s as (
          select n, ((n + ${r.base}) % 365)::int as age, ${rnd(1)} as r1, ${rnd(2)} as r2, ${rnd(3)} as r3, ${rnd(4)} as r4, ${rnd(5)} as r5,
            ${rnd(6)} as r6, ${rnd(7)} as r7, ${rnd(8)} as r8, ${rnd(9)} as r9
          from generate_series(${r.from}::bigint, ${r.to - 1}::bigint) as s(n)
        ),
        t as (
          select s.*, g.code as grid_code, g.path, g.lon, g.lat, g.h3, c.code as category, c.department, c.hours, c."workingTime" as wt, c.nature, c.text,
            least(((((${now}::timestamptz at time zone 'UTC') + make_interval(mins => ${r.tzMinutes}))::date - s.age)::timestamp
              + make_interval(secs => 25200 + s.r2 * 50400) - make_interval(mins => ${r.tzMinutes})) at time zone 'UTC',
              ${now}::timestamptz - interval '10 minutes') as created_at,
            -- ~5 % open: half of the last month's cases, few older ones
            s.r3 < (case when s.age < 30 then 0.5 when s.age < 90 then 0.03 else 0.005 end) as open
          from s join g on g.i = floor(s.r1 * ${ng})::int join c on c.i = floor(s.r4 * ${nc})::int
        ),
        u as (
          select t.*,
            case when t.open then 1 + floor(t.r5 * 6)::int when t.r5 < 0.03 then -1 when t.r5 < 0.33 then 7 else 8 end as k,
            -- the lifecycle's length: on time for ~85 %, late beyond the deadline for the rest; open work spreads over its age
            case when t.open then (${now}::timestamptz - t.created_at) * 0.9
              else least(make_interval(secs => t.hours * 3600 * (case when t.r6 < 0.85 then 1 + 2.5 * t.r7 else 4.2 + 3 * t.r7 end)),
                (${now}::timestamptz - t.created_at) * 0.9) end as span
          from t
        ),
        v as (
          select u.*, u.created_at + u.span * 2 / 8 as dispatched_at,
            u.created_at + case when u.k = -1 then u.span / 8 when u.k = 1 then interval '0' else u.span * (u.k - 1) / 8 end as last_at
          from u
        )
        insert into cases (id, code, channel, state, text, dup_text, nature, category, priority, urgent, lon, lat, grid_code, area_path, h3,
          reporter_anonymous, main_department, dispatched_at, deadline_hours, working_time, due_at, yellow_at, paused_since, supervision,
          answer, rating, rated_at, created_at, updated_at, closed_at)
        select md5(${r.seed}::text || '/' || v.n)::uuid,
          to_char((v.created_at at time zone 'UTC') + make_interval(mins => ${r.tzMinutes}), 'YYYYMMDD') || lpad((50000 + (v.n + ${r.base}) / 365)::text, 5, '0'),
          (array['hotline','hotline','hotline','hotline','hotline','gridworker','gridworker','app','web','open311','iot','api'])[1 + floor(v.r8 * 12)::int],
          case when v.k = -1 then 'rejected' else (array['received','filed','dispatched','handling','reported','checked','closed','rated'])[v.k] end,
          v.text, '', v.nature, v.category, 3, false, v.lon + (v.r9 - 0.5) * 0.001, v.lat + (v.r7 - 0.5) * 0.001, v.grid_code, v.path::ltree, v.h3,
          true, case when v.k >= 3 then v.department end, case when v.k >= 3 then v.dispatched_at end,
          case when v.k >= 3 then v.hours end, case when v.k >= 3 then v.wt end,
          case when v.k >= 3 then v.dispatched_at + make_interval(secs => v.hours * 3600) end,
          case when v.k >= 3 then v.dispatched_at + make_interval(secs => v.hours * 2880) end,
          case when v.k in (5, 6) then v.last_at end,
          case when v.k in (3, 4) and ${now}::timestamptz > v.dispatched_at + make_interval(secs => v.hours * 3600) then 'red'
            when v.k in (3, 4) and ${now}::timestamptz > v.dispatched_at + make_interval(secs => v.hours * 2880) then 'yellow' else 'none' end,
          case when v.k >= 5 then '已处理完毕' end,
          case when v.k = 8 then (case when v.r6 < 0.8 then 'satisfied' when v.r6 < 0.93 then 'basically_satisfied' else 'unsatisfied' end) end,
          case when v.k = 8 then v.last_at end,
          v.created_at, v.last_at, case when v.k in (-1, 7, 8) then v.last_at end
        from v`.execute(tx);
      // Events: intake, file, dispatch, accept, report, check, close, rate up to the case's state, evenly over its span.
      const ev = await sql`
        insert into case_events (case_id, at, actor, action, from_state, to_state, reason, payload)
        select c.id, c.created_at + (c.updated_at - c.created_at) * (j - 1) / greatest(k - 1, 1),
          case when j = 1 then 'clerk' when j in (4, 5) then 'handler' when j = 6 then 'gridworker' when j = 8 then 'reporter' else 'dispatcher' end,
          case when c.state = 'rejected' and j = 2 then 'reject' else (array['intake','file','dispatch','accept','report','check','close','rate'])[j] end,
          case when j = 1 then null else (array['received','filed','dispatched','handling','reported','checked','closed','rated'])[j - 1] end,
          case when c.state = 'rejected' and j = 2 then 'rejected' else (array['received','filed','dispatched','handling','reported','checked','closed','rated'])[j] end,
          case when c.state = 'rejected' and j = 2 then '不属于受理范围' end,
          case when j = 1 then jsonb_build_object('channel', c.channel, 'duplicates', '[]'::jsonb)
            when j = 3 then jsonb_build_object('department', c.main_department, 'coDepartments', '[]'::jsonb, 'source', 'catalogue')
            when j = 8 then jsonb_build_object('rating', c.rating) else '{}'::jsonb end
        from (select c.*, case when c.state = 'rejected' then 2
                else array_position(array['received','filed','dispatched','handling','reported','checked','closed','rated'], c.state) end as k
              from cases c where c.id in (select md5(${r.seed}::text || '/' || n)::uuid from generate_series(${r.from}::bigint, ${r.to - 1}::bigint) n)) c
        cross join lateral generate_series(1, c.k) as j`.execute(tx);
      return Number(ev.numAffectedRows ?? 0);
    },
    /** Case-code counters move past the synthetic numbers, so intake never issues a taken code. */
    async bumpAllCodeDays(tx: Db) {
      await sql`insert into case_code_days (day, last_no) select substr(code, 1, 8), max(substr(code, 9)::int) from cases group by 1
        on conflict (day) do update set last_no = greatest(case_code_days.last_no, excluded.last_no)`.execute(tx);
    },
    /** Devices in the grids with hourly water levels over the last days (readings are partitioned by month). */
    async insertDevices(tx: Db, seed: number, devices: number, days: number, now: Date, grids: SyntheticGrid[]): Promise<number> {
      if (!devices) return 0;
      const g = JSON.stringify(grids.map((x, i) => ({ i, ...x })));
      const iso = now.toISOString();
      await sql`insert into devices (id, name, type, lon, lat, grid_code, area_path, h3, protocol, latest, created_at, updated_at)
        select 'syn-' || ${seed} || '-' || lpad(n::text, 7, '0'), '合成水位计 ' || n, 'water_level', g.lon, g.lat, g.code, g.path::ltree, g.h3, 'mqtt', '{}'::jsonb, ${iso}::timestamptz, ${iso}::timestamptz
        from generate_series(1, ${devices}) n join jsonb_to_recordset(${g}::jsonb) as g(i int, code text, path text, lon float8, lat float8, h3 text) on g.i = n % ${grids.length}
        on conflict (id) do nothing`.execute(tx);
      const from = new Date(now.getTime() - days * 86_400_000);
      for (let m = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1)); m <= now; m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))) {
        await sql`select brain_ensure_readings_partition(${m.toISOString().slice(0, 10)}::date)`.execute(tx);
      }
      const r = await sql`insert into readings (device_id, metric, ts, value)
        select 'syn-' || ${seed} || '-' || lpad(n::text, 7, '0'), 'level', date_trunc('hour', ${iso}::timestamptz) - make_interval(hours => h),
          round((0.05 + ((hashint8(n * 1000 + h + ${seed}::bigint) & 1023) / 1023.0) * 0.2)::numeric, 3)::float8
        from generate_series(1, ${devices}) n cross join generate_series(0, ${days * 24 - 1}) h`.execute(tx);
      return Number(r.numAffectedRows ?? 0);
    },
    rebuildEvaluation: async (tx: Db) => {
      // every case joins its own events: hash and merge joins, never ten million index probes (a nested loop is
      // what the planner picks when it underestimates the groups of a fresh load, and it ran for hours at 10M)
      await sql`select set_config('enable_nestloop', 'off', true)`.execute(tx);
      // the per-case pass sorts 60M events: with the default 4 MB each sort spilled and merged in many passes
      // (an interrupted 10M rebuild had written 580 GB of temporary files)
      await sql`select set_config('work_mem', '1GB', true)`.execute(tx);
      await sql`select set_config('maintenance_work_mem', '1GB', true)`.execute(tx);
      // the facts' and daily rows' own indexes (GiST among them) are built once after the rows, not an insert per row
      const indexes = await secondaryIndexes(tx, ['evaluation_case_facts', 'evaluation_daily']);
      await dropIndexes(tx, indexes.map((i) => i.name));
      await sql`select evaluation_rebuild()`.execute(tx);
      for (const i of indexes) await sql.raw(i.def).execute(tx);
      await sql`select case_counts_rebuild()`.execute(tx);
    },
    async mark(tx: Db, m: { seed: number; cases: number; devices: number; events: number; seconds: number; now: Date }) {
      await sql`insert into synthetic_seeds (seed, cases, devices, events, seconds, created_at) values (${m.seed}, ${m.cases}, ${m.devices}, ${m.events}, ${m.seconds}, ${m.now.toISOString()})`.execute(tx);
    },
    analyze: async (db: Db) => {
      // vacuum too: the visibility map lets the open-work and counter indexes answer without the heap
      await sql`vacuum analyze cases`.execute(db);
      await sql`vacuum analyze case_events`.execute(db);
      await sql`vacuum analyze case_scope_counts`.execute(db);
      await sql`analyze evaluation_settings`.execute(db);
    },
  };
}
export type SyntheticStore = ReturnType<typeof createSyntheticStore>;
