import { randomBytes } from 'node:crypto';
import { secretDigest } from '../privacy/pii.ts';
import { assertCan, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { invalid, notFound } from '../errors.ts';
import type { Page } from '../../../shared/paging.ts';
import type { OrgService } from '../org/service.ts';
import { createOpen311Store, type ApiKeyRow } from './store.ts';

/** The Open311 key demo mode seeds (PRODUCT.md); public knowledge, so it only ever exists in demo mode. */
export const DEMO_OPEN311_KEY = 'demo-open311-key';


/** 接入密钥 Open311 API keys of external systems: created by an admin, shown once, stored hashed, revocable. */
export function createOpen311KeyService(deps: Deps, services: { org: Pick<OrgService, 'findDepartment'> }) {
  const { org } = services;
  const store = createOpen311Store();
  const { db, clock, audit } = deps;

  const record = (tx: Db, actor: Actor, action: string, id: string, detail: Record<string, unknown>) =>
    audit.record(tx, clock.now(), actor, action, { type: 'open311_key', id: id }, detail);

  return {
    async create(actor: Actor, input: { consumer: string; departmentCode?: string | null }): Promise<{ key: string; row: ApiKeyRow }> {
      assertCan(actor, 'open311.manage');
      if (input.departmentCode) {
        const d = await org.findDepartment(db, input.departmentCode);
        if (!d || !d.active) throw invalid('department.unknown', `department ${input.departmentCode} does not exist or is inactive`);
      }
      const key = `o311_${randomBytes(24).toString('base64url')}`;
      const row = await db.transaction().execute(async (tx) => {
        const row = await store.insertKey(tx, {
          consumer: input.consumer,
          key_hash: secretDigest(key),
          key_prefix: key.slice(0, 9),
          department_code: input.departmentCode ?? null,
          created_by: actor.id,
          created_at: clock.now(),
        });
        await record(tx, actor, 'open311.key.create', row.id, { consumer: row.consumer, department: row.department_code, prefix: row.key_prefix });
        return row;
      });
      return { key, row };
    },

    async list(actor: Actor, includeRevoked: boolean, page: number, pageSize: number): Promise<Page<ApiKeyRow>> {
      assertCan(actor, 'open311.manage');
      const [items, total] = await store.listKeys(db, includeRevoked, page, pageSize);
      return { items, total, page, pageSize };
    },

    async revoke(actor: Actor, id: string): Promise<ApiKeyRow> {
      assertCan(actor, 'open311.manage');
      return db.transaction().execute(async (tx) => {
        const row = await store.revokeKey(tx, id, clock.now());
        if (!row) throw notFound('open311_key', id);
        await record(tx, actor, 'open311.key.revoke', id, { consumer: row.consumer });
        return row;
      });
    },

    /** The live key row for a presented key, or null (unknown or revoked). */
    async authenticate(key: string | undefined): Promise<ApiKeyRow | null> {
      if (!key || key.length > 200) return null;
      const row = await store.findKeyByHash(db, secretDigest(key));
      if (!row) return null;
      await store.touchKey(db, row.id, clock.now());
      return row;
    },
  };
}

export type Open311KeyService = ReturnType<typeof createOpen311KeyService>;

/** Seeds the demo key inside the demo seeding transaction. */
export async function seedOpen311Demo(tx: Db, at: Date): Promise<void> {
  await createOpen311Store().insertKey(tx, { consumer: '示范接入 demo client', key_hash: secretDigest(DEMO_OPEN311_KEY), key_prefix: 'demo-open', department_code: null, created_by: null, created_at: at });
}
