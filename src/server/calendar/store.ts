import type { Generated, Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { DayKind } from './working-time.ts';

export interface CalendarDayTable {
  /** local date `YYYY-MM-DD` (both drivers hand dates back as strings) */
  day: string;
  kind: DayKind;
  name: Generated<string>;
  updated_at: Date;
}

declare module '../db/tables.ts' {
  interface Tables {
    calendar_days: CalendarDayTable;
  }
}

export type CalendarDayRow = Selectable<CalendarDayTable>;

export interface DayFilter {
  from?: string;
  /** exclusive */
  to?: string;
  kind?: DayKind;
}

export function createCalendarStore() {
  const filtered = (db: Db, f: DayFilter) => {
    let q = db.selectFrom('calendar_days');
    if (f.from) q = q.where('day', '>=', f.from);
    if (f.to) q = q.where('day', '<', f.to);
    if (f.kind) q = q.where('kind', '=', f.kind);
    return q;
  };
  return {
    listDays(db: Db, f: DayFilter, page: number, pageSize: number) {
      const q = filtered(db, f);
      return Promise.all([
        q.selectAll().orderBy('day').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      ]);
    },
    /** every day; a calendar holds a few dozen rows a year, so loading all of them for the cache is cheap */
    allDays: (db: Db) => db.selectFrom('calendar_days').select(['day', 'kind']).execute(),
    findDay: (db: Db, day: string) => db.selectFrom('calendar_days').selectAll().where('day', '=', day).executeTakeFirst(),
    async upsertDay(db: Db, d: { day: string; kind: DayKind; name: string; updated_at: Date }) {
      await db
        .insertInto('calendar_days')
        .values(d)
        .onConflict((oc) => oc.column('day').doUpdateSet({ kind: d.kind, name: d.name, updated_at: d.updated_at }))
        .execute();
    },
    async deleteDay(db: Db, day: string): Promise<boolean> {
      const r = await db.deleteFrom('calendar_days').where('day', '=', day).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async deleteRange(db: Db, from: string, to: string): Promise<number> {
      const r = await db.deleteFrom('calendar_days').where('day', '>=', from).where('day', '<', to).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
