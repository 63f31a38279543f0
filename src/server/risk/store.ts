import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import { withinScope } from '../db/scope.ts';

export interface WarningTable {
  id: Generated<number>;
  kind: 'cluster' | 'mass_org' | 'repeat_caller' | 'stale_dispute';
  key: string;
  level: 'yellow' | 'orange' | 'red';
  status: 'open' | 'acknowledged' | 'assigned' | 'resolved' | 'dismissed';
  area_path: string;
  h3: string | null;
  category: string | null;
  count: number;
  baseline: number | null;
  explanation: string;
  case_ids: string[];
  assignee_id: string | null;
  assignee_name: string | null;
  reason: string | null;
  opened_at: Date;
  updated_at: Date;
  closed_at: Date | null;
}

declare module '../db/tables.ts' {
  interface Tables {
    warnings: WarningTable;
  }
}

export type WarningRow = Selectable<WarningTable>;
export type WarningListRow = WarningRow & { area_code: string; area_name: string; case_codes: string[]; lon: number | null; lat: number | null };
export const liveStatuses = ['open', 'acknowledged', 'assigned'] as const;
/** cases that count as appeals: not voided, not folded into another */
const countable = sql<boolean>`c.state not in ('void', 'merged')`;

export interface WarningFilter {
  status?: WarningRow['status'][];
  kind?: WarningRow['kind'];
  level?: WarningRow['level'];
  area?: string;
}

export function createRiskStore() {
  const listQuery = (db: Db, scopePath: string, f: WarningFilter) => {
    let q = db.selectFrom('warnings as w').innerJoin('areas as a', (j) => j.on(sql<boolean>`a.path = w.area_path`)).where(withinScope('w.area_path', scopePath));
    if (f.status?.length) q = q.where('w.status', 'in', f.status);
    if (f.kind) q = q.where('w.kind', '=', f.kind);
    if (f.level) q = q.where('w.level', '=', f.level);
    if (f.area) q = q.where(sql<boolean>`w.area_path <@ (select path from areas where code = ${f.area})`);
    return q;
  };
  const withCases = [
    'a.code as area_code',
    'a.name as area_name',
    sql<string[]>`coalesce((select array_agg(c.code order by c.created_at, c.code) from cases c where c.id = any(w.case_ids)), '{}')`.as('case_codes'),
    sql<number | null>`(select avg(c.lon) from cases c where c.id = any(w.case_ids))`.as('lon'),
    sql<number | null>`(select avg(c.lat) from cases c where c.id = any(w.case_ids))`.as('lat'),
  ] as const;

  return {
    /** one scan at a time across API nodes: a transaction-level advisory lock, released at commit */
    scanLock: async (tx: Db, key: number) => void (await sql`select pg_advisory_xact_lock(${key})`.execute(tx)),
    async list(db: Db, scopePath: string, f: WarningFilter, page: number, pageSize: number): Promise<[WarningListRow[], number]> {
      const q = listQuery(db, scopePath, f);
      const [rows, n] = await Promise.all([
        q.selectAll('w').select([...withCases]).orderBy('w.opened_at', 'desc').orderBy('w.id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return [rows as WarningListRow[], Number(n.n)];
    },
    one: (db: Db, id: number, scopePath: string) =>
      listQuery(db, scopePath, {}).selectAll('w').select([...withCases]).where('w.id', '=', id).executeTakeFirst() as Promise<WarningListRow | undefined>,
    lock: (db: Db, id: number) => db.selectFrom('warnings').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),
    /** the live warning of a (kind, key), locked: a scan on another node waits instead of opening a second one */
    live: (db: Db, kind: WarningRow['kind'], key: string) =>
      db.selectFrom('warnings').selectAll().where('kind', '=', kind).where('key', '=', key).where('status', 'in', [...liveStatuses]).forUpdate().executeTakeFirst(),
    liveOfKind: (db: Db, kind: WarningRow['kind'], category: string) =>
      db.selectFrom('warnings').selectAll().where('kind', '=', kind).where('category', '=', category).where('status', 'in', [...liveStatuses]).execute(),
    lastClosed: (db: Db, kind: WarningRow['kind'], key: string) =>
      db.selectFrom('warnings').selectAll().where('kind', '=', kind).where('key', '=', key).where('status', 'in', ['resolved', 'dismissed']).orderBy('closed_at', 'desc').limit(1).executeTakeFirst(),
    insert: (db: Db, row: Insertable<WarningTable>) => db.insertInto('warnings').values(row).returningAll().executeTakeFirstOrThrow(),
    update: (db: Db, id: number, set: Partial<Insertable<WarningTable>>) => db.updateTable('warnings').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),

    // ---- what the scan reads

    /** per (category, H3 cell): cases in the current window and in the trailing baseline before it */
    cellCounts: (db: Db, baselineFrom: Date, windowFrom: Date, until: Date) =>
      sql<{ category: string; h3: string; current: number; past: number }>`
        select c.category, c.h3,
               count(*) filter (where c.created_at >= ${windowFrom})::int as current,
               count(*) filter (where c.created_at < ${windowFrom})::int as past
        from cases c
        where c.created_at >= ${baselineFrom} and c.created_at <= ${until} and c.h3 is not null and c.category is not null and ${countable}
        group by c.category, c.h3`
        .execute(db)
        .then((r) => r.rows),
    casesIn: (db: Db, category: string, cells: readonly string[], from: Date, until: Date) =>
      db
        .selectFrom('cases as c')
        .select(['c.id', sql<string>`c.area_path::text`.as('area_path')])
        .where('c.category', '=', category)
        .where('c.h3', 'in', [...cells])
        .where('c.created_at', '>=', from)
        .where('c.created_at', '<=', until)
        .where(countable)
        .orderBy('c.created_at')
        .execute(),

    /**
     * 涉众: registry organisations named in the window's appeals of the given categories. An appeal names a
     * company by its core name (示范市「恒信华泰」科技有限公司), so the city prefix and legal suffix are cut
     * before matching; cores under four characters are too ambiguous to match on.
     */
    namedOrganisations: (db: Db, categories: readonly string[], from: Date, until: Date) =>
      sql<{ core: string; name: string; org_path: string; case_ids: string[]; paths: string[] }>`
        with orgs as (
          select core, min(name) as name, min(area_path::text) as org_path
          from (select name, area_path, regexp_replace(regexp_replace(name, '^[^市]{1,4}市', ''), '(有限责任公司|股份有限公司|有限公司|公司|商行)$', '') as core
                from organisations where status <> 'deregistered') o
          where char_length(core) >= 4
          group by core
        )
        select o.core, o.name, o.org_path, array_agg(c.id order by c.created_at) as case_ids, array_agg(c.area_path::text) as paths
        from cases c join orgs o on strpos(c.text, o.core) > 0
        where c.category in (${sql.join([...categories])}) and c.created_at >= ${from} and c.created_at <= ${until} and ${countable}
        group by o.core, o.name, o.org_path`
        .execute(db)
        .then((r) => r.rows),
    addressedCases: (db: Db, categories: readonly string[], from: Date, until: Date) =>
      db
        .selectFrom('cases as c')
        .select(['c.id', 'c.address', sql<string>`c.area_path::text`.as('area_path')])
        .where('c.category', 'in', [...categories])
        .where('c.address', 'is not', null)
        .where('c.created_at', '>=', from)
        .where('c.created_at', '<=', until)
        .where(countable)
        .orderBy('c.created_at')
        .execute(),
    repeatCallers: (db: Db, from: Date, until: Date, min: number) =>
      sql<{ phone_idx: string; case_ids: string[]; paths: string[]; categories: (string | null)[] }>`
        select c.reporter_phone_idx as phone_idx, array_agg(c.id order by c.created_at) as case_ids, array_agg(c.area_path::text order by c.created_at) as paths,
               array_agg(c.category order by c.created_at) as categories
        from cases c
        where c.reporter_phone_idx is not null and c.created_at >= ${from} and c.created_at <= ${until} and ${countable}
        group by c.reporter_phone_idx
        having count(*) >= ${min}`
        .execute(db)
        .then((r) => r.rows),
    staleDisputes: (db: Db, before: Date) =>
      db
        .selectFrom('disputes as d')
        .innerJoin('cases as c', 'c.id', 'd.case_id')
        .select(['d.id', 'd.case_id', 'c.code', 'c.category', sql<string>`d.area_path::text`.as('area_path'), 'd.last_session_at', 'd.created_at', 'd.type'])
        .where('d.risk_level', '=', 'high')
        .where('d.state', 'in', ['registered', 'mediating'])
        .where(sql<boolean>`coalesce(d.last_session_at, d.created_at) < ${before}`)
        .execute(),
    areaName: (db: Db, path: string) => db.selectFrom('areas').select(['code', 'name']).where(sql<boolean>`path = ${path}::ltree`).executeTakeFirst(),
    /** an assignee must be able to see the warning: their scope contains its area, or lies inside it */
    assignable: (db: Db, username: string, areaPath: string) =>
      db
        .selectFrom('users')
        .select(['id', 'username', 'display_name'])
        .where('username', '=', username)
        .where('disabled', '=', false)
        .where(sql<boolean>`(scope_path @> ${areaPath}::ltree or scope_path <@ ${areaPath}::ltree)`)
        .executeTakeFirst(),
    notifyLeaders: (db: Db, n: { area_path: string; title: string; body: string; at: Date }) =>
      db.insertInto('notifications').values({ recipient_type: 'role', recipient: 'leader', case_id: null, area_path: n.area_path, kind: 'warning', title: n.title, body: n.body, created_at: n.at }).execute(),
  };
}

export type RiskStore = ReturnType<typeof createRiskStore>;
