import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import { withinScope } from '../../db/scope.ts';
import type { creditEventKinds, organisationKinds, organisationStatuses } from '../vocab.ts';
import { chunks, contains, inBbox, insertRows, pageOf, placeConditions, type AreaFilter, type LocatedColumns } from '../store-common.ts';

export interface OrganisationTable extends LocatedColumns {
  id: Generated<string>;
  kind: (typeof organisationKinds)[number];
  name: string;
  credit_code: string | null;
  legal_rep: string;
  industry: string;
  status: (typeof organisationStatuses)[number];
  address: string;
  note: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CreditEventTable {
  id: Generated<string>;
  organisation_id: string;
  occurred_on: string;
  kind: (typeof creditEventKinds)[number];
  title: string;
  source: string;
  detail: string;
  recorded_by: string;
  created_at: Generated<Date>;
}

declare module '../../db/tables.ts' {
  interface Tables {
    organisations: OrganisationTable;
    credit_events: CreditEventTable;
  }
}

export type OrganisationRow = Selectable<OrganisationTable>;
export type NewOrganisationRow = Insertable<OrganisationTable>;
export type CreditEventRow = Selectable<CreditEventTable>;

export interface OrganisationFilter extends AreaFilter {
  q?: string;
  kind?: OrganisationRow['kind'];
  status?: OrganisationRow['status'];
  creditCode?: string;
  bbox?: [number, number, number, number];
  located?: boolean;
}

export function createOrganisationStore() {
  function filtered(db: Db, scopePath: string, f: OrganisationFilter) {
    let q = db.selectFrom('organisations');
    for (const c of placeConditions('organisations', scopePath, f)) q = q.where(c);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.status) q = q.where('status', '=', f.status);
    if (f.creditCode) q = q.where('credit_code', '=', f.creditCode);
    if (f.q) q = q.where((eb) => eb.or([contains('organisations.name', f.q!), contains('organisations.address', f.q!)]));
    if (f.located) q = q.where('lon', 'is not', null);
    if (f.bbox) q = q.where(inBbox('organisations', f.bbox));
    return q;
  }

  return {
    list(db: Db, scopePath: string, f: OrganisationFilter, page: number, pageSize: number) {
      const q = filtered(db, scopePath, f);
      return pageOf(
        q.selectAll().orderBy('name').orderBy('id').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      );
    },
    located: (db: Db, scopePath: string, f: OrganisationFilter, limit: number) =>
      filtered(db, scopePath, { ...f, located: true }).selectAll().orderBy('grid_code').orderBy('id').limit(limit + 1).execute(),
    find: (db: Db, id: string, scopePath: string) =>
      db.selectFrom('organisations').selectAll().where('id', '=', id).where(withinScope('organisations.area_path', scopePath)).executeTakeFirst(),
    async existingCreditCodes(db: Db, codes: string[]): Promise<Set<string>> {
      const found = new Set<string>();
      for (const part of chunks(codes, 1000)) {
        for (const r of await db.selectFrom('organisations').select('credit_code').where('credit_code', 'in', part).execute()) found.add(r.credit_code!);
      }
      return found;
    },
    creditCodeTaken: async (db: Db, code: string, exceptId?: string) => {
      let q = db.selectFrom('organisations').select('id').where('credit_code', '=', code);
      if (exceptId) q = q.where('id', '<>', exceptId);
      return (await q.executeTakeFirst()) !== undefined;
    },
    insert: (db: Db, o: NewOrganisationRow) => db.insertInto('organisations').values(o).returningAll().executeTakeFirstOrThrow(),
    insertMany: (db: Db, rows: NewOrganisationRow[]) => insertRows(db, 'organisations', rows),
    update: (db: Db, id: string, patch: Updateable<OrganisationTable>) =>
      db.updateTable('organisations').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
    remove: async (db: Db, id: string) => {
      await db.deleteFrom('organisations').where('id', '=', id).execute();
    },

    // ---- 信用事件 credit events (scope comes from the organisation, checked by the caller)
    creditEvents(db: Db, organisationId: string, page: number, pageSize: number) {
      const q = db.selectFrom('credit_events').where('organisation_id', '=', organisationId);
      return pageOf(
        q.selectAll().orderBy('occurred_on', 'desc').orderBy('created_at', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      );
    },
    insertCreditEvent: (db: Db, e: Insertable<CreditEventTable>) => db.insertInto('credit_events').values(e).returningAll().executeTakeFirstOrThrow(),
  };
}

export type OrganisationStore = ReturnType<typeof createOrganisationStore>;
