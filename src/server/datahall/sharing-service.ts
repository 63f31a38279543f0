import { randomBytes } from 'node:crypto';
import { assertCan, can, type Actor } from '../access/permissions.ts';
import { parseOffset } from '../calendar/working-time.ts';
import type { Deps } from '../context.ts';
import { AppError, forbidden, invalid, notFound } from '../errors.ts';
import type { Page } from '../../../shared/paging.ts';
import { secretDigest } from '../privacy/pii.ts';
import { cityDay, createAccessLogStore, type AccessLogRow, type AccessVerifyResult } from './access-log-store.ts';
import { createSharedStore, hasReader } from './shared-store.ts';
import { createDatahallStore, type KeyRow, type RequestWithResource } from './store.ts';

export interface NewRequest {
  resource: string;
  purpose: string;
  fields: string[];
  clearFields?: string[];
  area: string;
  validFrom: Date;
  validTo: Date;
  /** on behalf of a registered external consumer app (data admin only) */
  consumerId?: string;
}

export interface Decision {
  decision: 'approve' | 'refuse';
  /** narrow the fields (a subset of what was asked) */
  fields?: string[];
  /** narrow clear access (a subset of the clear fields asked for) */
  clearFields?: string[];
  reason?: string;
}

export interface RequestView {
  row: RequestWithResource;
  keys: KeyRow[];
}

const denied = (code: string, detail: string) => new AppError(403, code, detail);

/**
 * 共享交换: requests for another department's data, their approval by the owner and the data admin, the API
 * key an approval issues, reads through that key (only approved fields, masked, inside the approved area
 * and period), and the hash-chained access log of every read.
 */
export function createSharingService(deps: Deps) {
  const store = createDatahallStore();
  const log = createAccessLogStore();
  const shared = createSharedStore(deps.pii);
  const { db, clock, audit } = deps;
  const dayOf = cityDay(parseOffset(deps.config.TZ_OFFSET));

  async function mustFind(id: string, forUpdate = false, tx = db): Promise<RequestWithResource> {
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await store.findRequest(tx, id, forUpdate) : undefined;
    if (!row) throw notFound('datahall_request', id);
    return row;
  }
  const withKeys = async (row: RequestWithResource): Promise<RequestView> => ({ row, keys: await store.keysOf(db, [row.id]) });
  const isRequester = (actor: Actor, r: RequestWithResource) => (r.requester_department !== null && r.requester_department === actor.departmentCode) || (r.consumer_id !== null && can(actor, 'datahall.manage'));
  const mayView = (actor: Actor, r: RequestWithResource) => can(actor, 'datahall.manage') || isRequester(actor, r) || actor.departmentCode === r.owner_department;

  return {
    async registerConsumer(actor: Actor, input: { name: string; contact?: string }) {
      assertCan(actor, 'datahall.manage');
      return db.transaction().execute(async (tx) => {
        const row = await store.insertConsumer(tx, { name: input.name, contact: input.contact ?? '', created_by: actor.username, created_at: clock.now() });
        await audit.record(tx, clock.now(), actor, 'datahall.consumer.create', { type: 'datahall_consumer', id: row.id }, { name: row.name });
        return row;
      });
    },

    async consumers(actor: Actor) {
      assertCan(actor, 'datahall.manage');
      return store.listConsumers(db);
    },

    async request(actor: Actor, input: NewRequest): Promise<RequestView> {
      assertCan(actor, 'datahall.request');
      const resource = await store.findResource(db, input.resource);
      if (!resource) throw notFound('datahall_resource', input.resource);
      if (!resource.source || !hasReader(resource.source)) throw invalid('datahall.not_shareable', `${resource.code} is not served through sharing keys`);
      if (resource.share_type === 'none') throw invalid('datahall.not_shareable', `${resource.code} is 不予共享`);
      let department: string | null = actor.departmentCode;
      if (input.consumerId) {
        assertCan(actor, 'datahall.manage');
        if (!(await store.findConsumer(db, input.consumerId))) throw notFound('datahall_consumer', input.consumerId);
        department = null;
      } else if (!department) {
        throw invalid('datahall.no_department', 'requests are made for a department: sign in as a member of one, or name a registered consumer app');
      }
      const fields = await store.fieldsOf(db, [resource.id]);
      const byName = new Map(fields.map((f) => [f.name, f]));
      const wanted = [...new Set(input.fields)];
      for (const f of wanted) {
        const field = byName.get(f);
        if (!field) throw invalid('datahall.unknown_field', `${resource.code} has no field ${f}`, { field: f });
        if (field.share_type === 'none') throw invalid('datahall.field_not_shareable', `${f} is 不予共享`, { field: f });
      }
      const clear = [...new Set(input.clearFields ?? [])];
      for (const f of clear) {
        if (!wanted.includes(f)) throw invalid('datahall.clear_not_requested', `clear access to ${f} needs ${f} among the fields`, { field: f });
        if (!byName.get(f)?.pii) throw invalid('datahall.clear_not_pii', `${f} is not masked; clear access applies to personal information only`, { field: f });
      }
      if (input.validTo <= input.validFrom) throw invalid('datahall.bad_period', 'validTo must be after validFrom');
      const areaPath = await store.areaPath(db, input.area);
      if (!areaPath) throw invalid('datahall.area_unknown', `area ${input.area} does not exist`);
      const now = clock.now();
      const row = await db.transaction().execute(async (tx) => {
        const r = await store.insertRequest(tx, {
          resource_id: resource.id, requester_department: department, consumer_id: input.consumerId ?? null, requested_by: actor.username,
          purpose: input.purpose, fields: wanted, clear_fields: clear, area_path: areaPath, valid_from: input.validFrom, valid_to: input.validTo,
          owner_decision: resource.approval === 'admin' ? 'not_required' : 'pending', admin_decision: resource.approval === 'owner' ? 'not_required' : 'pending', created_at: now,
          state: 'pending', approved_fields: [], approved_clear_fields: [], reason: '',
        });
        await audit.record(tx, now, actor, 'datahall.request.create', { type: 'datahall_request', id: r.id }, { resource: resource.code, fields: wanted, clear, area: input.area });
        return r;
      });
      return withKeys((await store.findRequest(db, row.id))!);
    },

    async list(actor: Actor, f: { inbox?: boolean; state?: string }, page: number, pageSize: number): Promise<Page<RequestView>> {
      assertCan(actor, 'datahall.read');
      const admin = can(actor, 'datahall.manage');
      const inbox = f.inbox ? (admin ? 'admin' : 'owner') : undefined;
      if (inbox === 'owner') assertCan(actor, 'datahall.approve');
      const [rows, total] = await store.listRequests(db, { department: actor.departmentCode, all: admin, inbox, state: f.state }, page, pageSize);
      const keys = await store.keysOf(db, rows.map((r) => r.id));
      return { items: rows.map((row) => ({ row, keys: keys.filter((k) => k.request_id === row.id) })), total, page, pageSize };
    },

    async get(actor: Actor, id: string): Promise<RequestView> {
      assertCan(actor, 'datahall.read');
      const row = await mustFind(id);
      if (!mayView(actor, row)) throw notFound('datahall_request', id);
      return withKeys(row);
    },

    /** The owner department's and/or the data admin's decision; the request is settled once every required one is in. */
    async decide(actor: Actor, id: string, d: Decision): Promise<RequestView> {
      assertCan(actor, 'datahall.approve');
      if (d.decision === 'refuse' && !d.reason?.trim()) throw invalid('datahall.reason_required', 'a refusal needs a reason');
      const now = clock.now();
      await db.transaction().execute(async (tx) => {
        const r = await mustFind(id, true, tx);
        if (r.state !== 'pending') throw new AppError(409, 'datahall.request_settled', `request is already ${r.state}`);
        const asAdmin = can(actor, 'datahall.manage') && r.admin_decision === 'pending';
        const asOwner = !asAdmin && actor.departmentCode === r.owner_department && r.owner_decision === 'pending';
        if (!asAdmin && !asOwner) throw forbidden('datahall.approve');
        const base = r.approved_fields.length ? r.approved_fields : r.fields;
        const baseClear = r.owner_decision === 'approved' || r.admin_decision === 'approved' ? r.approved_clear_fields : r.clear_fields;
        const fields = d.fields ? [...new Set(d.fields)] : base;
        const clear = (d.clearFields ? [...new Set(d.clearFields)] : baseClear).filter((f) => fields.includes(f));
        if (fields.some((f) => !base.includes(f))) throw invalid('datahall.narrow_only', 'an approval may narrow the fields, never widen them');
        if (clear.some((f) => !baseClear.includes(f))) throw invalid('datahall.narrow_only', 'an approval may narrow clear access, never widen it');
        if (fields.length === 0) throw invalid('datahall.no_fields', 'approve at least one field, or refuse');
        const mine = d.decision === 'approve' ? 'approved' : 'refused';
        const owner = asOwner ? mine : r.owner_decision;
        const admin = asAdmin ? mine : r.admin_decision;
        const settled = (owner === 'approved' || owner === 'not_required') && (admin === 'approved' || admin === 'not_required');
        const state = mine === 'refused' ? 'refused' : settled ? 'approved' : 'pending';
        await store.updateRequest(tx, r.id, {
          owner_decision: owner, admin_decision: admin, state, approved_fields: mine === 'approved' ? fields : r.approved_fields,
          approved_clear_fields: mine === 'approved' ? clear : r.approved_clear_fields, reason: d.reason ?? r.reason, decided_at: state === 'pending' ? null : now,
        });
        await audit.record(tx, now, actor, `datahall.request.${d.decision}`, { type: 'datahall_request', id: r.id }, { as: asAdmin ? 'admin' : 'owner', fields, clear, reason: d.reason ?? null });
      });
      return withKeys(await mustFind(id));
    },

    /**
     * Issues the request's API key: shown once, stored as its digest. Asked again it rotates: the old key stops
     * working in the same transaction.
     */
    async issueKey(actor: Actor, id: string): Promise<{ key: string; view: RequestView }> {
      assertCan(actor, 'datahall.request');
      const key = `dh_${randomBytes(24).toString('base64url')}`;
      await db.transaction().execute(async (tx) => {
        const r = await mustFind(id, true, tx);
        if (!isRequester(actor, r)) throw forbidden('datahall.request');
        if (r.state !== 'approved') throw new AppError(409, 'datahall.not_approved', `request is ${r.state}`);
        const now = clock.now();
        await store.revokeKeys(tx, r.id, now);
        const k = await store.insertKey(tx, { request_id: r.id, key_hash: secretDigest(key), key_prefix: key.slice(0, 8), created_at: now });
        await audit.record(tx, now, actor, 'datahall.key.issue', { type: 'datahall_request', id: r.id }, { key: k.id, prefix: k.key_prefix });
      });
      return { key, view: await withKeys(await mustFind(id)) };
    },

    /** Revokes an approval and every key of it at once (owner, data admin, or the requester giving it up). */
    async revoke(actor: Actor, id: string, reason: string): Promise<RequestView> {
      assertCan(actor, 'datahall.read');
      await db.transaction().execute(async (tx) => {
        const r = await mustFind(id, true, tx);
        const allowed = can(actor, 'datahall.manage') || (can(actor, 'datahall.approve') && actor.departmentCode === r.owner_department) || isRequester(actor, r);
        if (!allowed) throw forbidden('datahall.approve');
        if (r.state === 'revoked' || r.state === 'refused') throw new AppError(409, 'datahall.request_settled', `request is already ${r.state}`);
        const now = clock.now();
        await store.updateRequest(tx, r.id, { state: 'revoked', reason, decided_at: now });
        const n = await store.revokeKeys(tx, r.id, now);
        await audit.record(tx, now, actor, 'datahall.request.revoke', { type: 'datahall_request', id: r.id }, { reason, keys: n });
      });
      return withKeys(await mustFind(id));
    },

    /** A read through a sharing key: checks the key, its approval, resource, fields and period; logs the read. */
    async read(apiKey: string | undefined, resourceCode: string, q: { fields?: string[]; page: number; pageSize: number }) {
      if (!apiKey || apiKey.length > 200) throw new AppError(401, 'datahall.key_required', 'send the sharing key in X-API-Key');
      const key = await store.findKeyByHash(db, secretDigest(apiKey));
      if (!key) throw new AppError(401, 'datahall.key_unknown', 'unknown sharing key');
      if (key.revoked_at) throw denied('datahall.key_revoked', 'this key was revoked');
      const r = await mustFind(key.request_id);
      if (r.state !== 'approved') throw denied('datahall.not_approved', `the approval behind this key is ${r.state}`);
      if (r.resource_code !== resourceCode) throw denied('datahall.key_wrong_resource', `this key is for ${r.resource_code}, not ${resourceCode}`);
      const now = clock.now();
      if (now < r.valid_from) throw denied('datahall.approval_not_started', `the approval starts ${r.valid_from.toISOString()}`);
      if (now >= r.valid_to) throw denied('datahall.approval_expired', `the approval ended ${r.valid_to.toISOString()}`);
      const fields = q.fields?.length ? q.fields : r.approved_fields;
      const extra = fields.filter((f) => !r.approved_fields.includes(f));
      if (extra.length) throw denied('datahall.field_not_approved', `not approved for this key: ${extra.join(', ')}`);
      const resource = (await store.findResource(db, resourceCode))!;
      const page = await shared.read(db, resource.source!, fields, new Set(r.approved_clear_fields), r.area_path, q.page, q.pageSize);
      const consumer = r.consumer_name ?? r.requester_department ?? r.requested_by;
      const entry = await db.transaction().execute((tx) =>
        log.append(tx, { at: now, key_id: key.id, request_id: r.id, consumer, resource_code: resourceCode, owner_department: r.owner_department, fields, row_count: page.rows.length, purpose: r.purpose }),
      );
      await store.touchKey(db, key.id, now);
      return { ...page, fields, masked: fields.filter((f) => !r.approved_clear_fields.includes(f)), accessSeq: Number(entry.seq) };
    },

    /** Who read what: the data admin sees every read; a department the reads of data it owns and those through its own keys. */
    async accessLog(actor: Actor, f: { resource?: string }, page: number, pageSize: number): Promise<Page<AccessLogRow>> {
      assertCan(actor, 'datahall.read');
      let filter: { resource?: string; owner?: string; requestIds?: string[] } = { resource: f.resource };
      if (!can(actor, 'datahall.manage')) {
        if (!actor.departmentCode) throw forbidden('datahall.manage');
        const mine = await store.requestIdsOf(db, actor.departmentCode);
        filter = { ...filter, owner: actor.departmentCode, requestIds: mine };
      }
      const [items, total] = await log.page(db, filter, page, pageSize);
      return { items, total, page, pageSize };
    },

    async verify(actor: Actor): Promise<AccessVerifyResult> {
      if (!can(actor, 'datahall.manage')) assertCan(actor, 'audit.verify');
      await log.publishHeads(db, clock.now(), dayOf);
      return log.verify(db);
    },

    /** Published daily heads (public): closes every finished day that has none yet, then lists the newest. */
    async chainHeads(limit: number) {
      await log.publishHeads(db, clock.now(), dayOf);
      return log.heads(db, limit);
    },

    publishHeads: () => log.publishHeads(db, clock.now(), dayOf),
  };
}

export type SharingService = ReturnType<typeof createSharingService>;
