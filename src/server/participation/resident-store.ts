import { sql, type Generated, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import { withinScope } from '../db/scope.ts';

export interface ResidentTable {
  id: Generated<string>;
  person_id: string;
  id_number_bidx: string;
  display_name: string;
  verified_by: 'phone' | 'staff';
  verifier_user_id: string | null;
  verified_at: Date;
  created_at: Generated<Date>;
}
interface CodeTable {
  id: Generated<string>;
  id_number_bidx: string;
  code_hash: string;
  expires_at: Date;
  attempts: Generated<number>;
  used_at: Date | null;
  created_at: Date;
}
interface ResidentSessionTable {
  token_hash: string;
  resident_id: string;
  created_at: Date;
  expires_at: Date;
}
interface DevOutboxTable {
  id: Generated<number>;
  phone_mask: string;
  body: string;
  created_at: Date;
}

declare module '../db/tables.ts' {
  interface Tables {
    participation_residents: ResidentTable;
    participation_codes: CodeTable;
    participation_sessions: ResidentSessionTable;
    participation_dev_outbox: DevOutboxTable;
  }
}

export type ResidentRow = Selectable<ResidentTable>;
/** A resident with the area of their register entry now (a move is followed, nothing is copied). */
export interface ResidentInArea {
  id: string;
  displayName: string;
  personId: string;
  areaPath: string;
  gridCode: string;
  /** the register entry's area, and that of the house the person is tenant or owner of (see rules.ts livesIn) */
  areaPaths: string[];
}

export function createResidentStore() {
  return {
    /** The register entry a verification names: ID number and phone must both match (blind indexes only). */
    findPerson: (db: Db, idNumberBidx: string) =>
      db.selectFrom('people').select(['id', 'name_mask', 'phone_bidx', 'phone_sealed', 'phone_mask', 'area_path', 'grid_code']).where('id_number_bidx', '=', idNumberBidx).executeTakeFirst(),
    findPersonById: (db: Db, id: string, scopePath: string) =>
      db.selectFrom('people').select(['id', 'name_mask', 'id_number_bidx', 'area_path', 'grid_code']).where('id', '=', id).where(withinScope('people.area_path', scopePath)).executeTakeFirst(),
    residentByIdNumber: (db: Db, bidx: string) => db.selectFrom('participation_residents').selectAll().where('id_number_bidx', '=', bidx).executeTakeFirst(),
    insertResident: (db: Db, row: Omit<ResidentTable, 'id' | 'created_at'>) => db.insertInto('participation_residents').values(row).returningAll().executeTakeFirstOrThrow(),
    /** The first residents verified (the demo's seeding steps). */
    firstVerified: (db: Db, n: number) => db.selectFrom('participation_residents').select('id').orderBy('verified_at').orderBy('id').limit(n).execute().then((rs) => rs.map((r) => r.id)),
    setDisplayName: (db: Db, id: string, displayName: string) => db.updateTable('participation_residents').set({ display_name: displayName }).where('id', '=', id).execute(),

    /** A new code retires the person's earlier ones, so only the last one sent works. */
    insertCode: async (db: Db, row: { id_number_bidx: string; code_hash: string; expires_at: Date; created_at: Date }) => {
      await db.updateTable('participation_codes').set({ used_at: row.created_at }).where('id_number_bidx', '=', row.id_number_bidx).where('used_at', 'is', null).execute();
      await db.insertInto('participation_codes').values(row).execute();
    },
    liveCode: (db: Db, bidx: string) =>
      db.selectFrom('participation_codes').selectAll().where('id_number_bidx', '=', bidx).where('used_at', 'is', null).orderBy('created_at', 'desc').limit(1).executeTakeFirst(),
    codesSince: (db: Db, bidx: string, since: Date) =>
      db
        .selectFrom('participation_codes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('id_number_bidx', '=', bidx)
        .where('created_at', '>=', since)
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n)),
    countAttempt: (db: Db, id: string) => db.updateTable('participation_codes').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', '=', id).execute(),
    useCode: (db: Db, id: string, at: Date) => db.updateTable('participation_codes').set({ used_at: at }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst(),

    insertSession: (db: Db, row: ResidentSessionTable) => db.insertInto('participation_sessions').values(row).execute(),
    revokeSession: (db: Db, tokenHash: string) => db.deleteFrom('participation_sessions').where('token_hash', '=', tokenHash).execute(),
    /** The resident behind a live session token digest. */
    sessionResident: (db: Db, tokenHash: string, now: Date) =>
      db
        .selectFrom('participation_sessions as s')
        .innerJoin('participation_residents as r', 'r.id', 's.resident_id')
        .innerJoin('people as p', 'p.id', 'r.person_id')
        .leftJoin('houses as h', (j) => j.onRef('h.id', '=', 'p.house_id').on('p.house_relation', 'in', ['owner', 'tenant']))
        .select(['r.id', 'r.display_name', 'r.person_id', sql<string>`p.area_path::text`.as('area_path'), sql<string | null>`h.area_path::text`.as('house_path'), 'p.grid_code', 's.expires_at'])
        .where('s.token_hash', '=', tokenHash)
        .where('s.expires_at', '>', now)
        .executeTakeFirst(),

    /** Registered people of an area (its whole subtree): the denominator of turnout. */
    peopleInArea: (db: Db, areaPath: string) =>
      db
        .selectFrom('people')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(withinScope('people.area_path', areaPath))
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n)),

    area: (db: Db, code: string) => db.selectFrom('areas').select(['code', 'name', 'level', sql<string>`path::text`.as('path')]).where('code', '=', code).executeTakeFirst(),
    /** The community (or the nearest area above the grid) a resident belongs to, for "my community". */
    ancestors: (db: Db, path: string) =>
      db
        .selectFrom('areas')
        .select(['code', 'name', 'level', sql<string>`path::text`.as('path')])
        .where(sql<boolean>`path @> ${path}::ltree`)
        .orderBy(sql`nlevel(path)`)
        .execute(),

    /** The demo's grid: the first grid by code. */
    firstGrid: (db: Db) =>
      db.selectFrom('areas').select(['code', sql<string>`path::text`.as('path'), 'parent_code']).where('level', '=', 'grid').orderBy('code').limit(1).executeTakeFirstOrThrow(),
    /** An area's drawn centre and extent (area_geometries), for placing demo consultations on the map. */
    areaShape: (db: Db, code: string) =>
      db.selectFrom('area_geometries').select(['center_lon', 'center_lat', 'bbox_w', 'bbox_s', 'bbox_e', 'bbox_n']).where('area_code', '=', code).executeTakeFirst(),
    /** The demo's responsible unit: the first functional department by code. */
    firstFunctionalUnit: (db: Db) => db.selectFrom('departments').select('code').where('kind', '=', 'functional').orderBy('code').limit(1).executeTakeFirstOrThrow(),
    /** The first registered people of an area with a phone, ordered by ID-number digest (stable under the demo key). */
    registeredWithPhone: (db: Db, areaPath: string, limit: number) =>
      db
        .selectFrom('people')
        .select(['id', 'name_mask', 'id_number_bidx'])
        .where(sql<boolean>`area_path <@ ${areaPath}::ltree`)
        .where('phone_bidx', 'is not', null)
        .where('kind', '=', 'registered')
        .orderBy('id_number_bidx')
        .limit(limit)
        .execute(),

    devSend: (db: Db, row: { phone_mask: string; body: string; created_at: Date }) => db.insertInto('participation_dev_outbox').values(row).execute(),
    devOutbox: (db: Db, limit: number) => db.selectFrom('participation_dev_outbox').selectAll().orderBy('id', 'desc').limit(limit).execute(),
  };
}
export type ResidentStore = ReturnType<typeof createResidentStore>;
