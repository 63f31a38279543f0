import { randomUUID } from 'node:crypto';
import type { Actor, Permission } from '../access/permissions.ts';
import type { NewNotification, NotificationService } from '../cases/notifications.ts';
import type { CaseService } from '../cases/service.ts';
import type { CaseAction } from '../../../shared/cases/state-machine.ts';
import type { Deps } from '../context.ts';
import { AppError } from '../errors.ts';
import type { OrgService } from '../org/service.ts';
import type { TaxonomyService } from '../taxonomy/service.ts';
import { xmlList, type Open311Value } from './format.ts';
import type { Open311KeyService } from './keys.ts';
import { closedStates, milestoneActions, openStatesForOpen311, presentRequest, presentUpdate, serviceNotice } from './presenters.ts';
import { attributes, bad, dateParam, dateWindow, integer, number, one, Open311Error, required, urlParam, type Params } from './params.ts';
import { checkAttributes, presentDefinition, presentService, priorityForSeverity } from './catalogue.ts';
import { createOpen311Store, type ApiKeyRow, type RequestRow } from './store.ts';

/** mySociety servicerequestupdates statuses (case-insensitive on input). */
export const updateStatuses = [
  'OPEN',
  'CLOSED',
  'FIXED',
  'IN_PROGRESS',
  'ACTION_SCHEDULED',
  'INVESTIGATING',
  'DUPLICATE',
  'NOT_COUNCILS_RESPONSIBILITY',
  'NO_FURTHER_ACTION',
  'INTERNAL_REFERRAL',
  'REOPEN',
] as const;

const MAX_IDS = 100;
const emailRe = /^[^\s@]{1,64}@[^\s@]{1,185}\.[^\s@]{2,}$/;
const hasCjk = (s: string) => /\p{Script=Han}/u.test(s);

export interface Page<T> {
  rows: T[];
  total: number;
}

/**
 * Open311 GeoReport v2 over the case service: every POSTed request is a case created through the one front
 * door (channel open311); every GET reads cases through the public presenters.
 */
export function createOpen311Service(
  deps: Deps,
  services: { taxonomy: Pick<TaxonomyService, 'current'>; cases: Pick<CaseService, 'intake' | 'act'>; keys: Open311KeyService; org: Pick<OrgService, 'rootArea'>; notifications: Pick<NotificationService, 'notify'> },
) {
  const { taxonomy, cases, keys, org, notifications } = services;
  const store = createOpen311Store();
  const { db, clock, config, pii, audit } = deps;
  const offsetMinutes = config.TZ_OFFSET_MINUTES;
  let cityPath: string | null = null;

  async function root(): Promise<string> {
    cityPath ??= (await org.rootArea(db))?.path ?? null;
    if (!cityPath) throw new Open311Error(500, 'no city has been set up yet');
    return cityPath;
  }

  async function authenticate(params: Params): Promise<ApiKeyRow> {
    const key = await keys.authenticate(one(params, 'api_key', 200));
    if (!key) throw new Open311Error(403, 'api_key is missing, unknown or revoked');
    return key;
  }

  /**
   * The actor an external system acts as: it may file cases; a key bound to a department may also do that
   * department's handling steps (签收, 反馈, 退单) from its own system.
   */
  async function keyActor(key: ApiKeyRow, requestId?: string): Promise<Actor> {
    const permissions = new Set<Permission>(['case.create']);
    if (key.department_code) permissions.add('case.handle');
    return { id: null, username: `open311:${key.consumer}`.slice(0, 64), roles: ['system'], scopePath: await root(), departmentCode: key.department_code, permissions, requestId };
  }

  // services are the leaves of the current taxonomy version: a category an admin adds is offered at once
  async function category(code: string) {
    const c = (await taxonomy.current()).category(code);
    if (!c) throw new Open311Error(404, `service_code ${code} not found`);
    return c;
  }

  async function reporterNames(rows: RequestRow[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const r of await store.reporterNames(db, rows.map((x) => x.id))) {
      try {
        names.set(r.id, pii.decrypt(r.reporter_name!));
      } catch {
        // an unreadable name cannot be scrubbed by value; the pattern scrub still runs
      }
    }
    return names;
  }

  async function present(rows: RequestRow[], publicBase: string) {
    const ctx = { taxonomy: await taxonomy.current(), offsetMinutes, reporterNames: await reporterNames(rows), publicBase };
    return rows.map((r) => presentRequest(r, ctx));
  }

  function reporter(params: Params) {
    const first = one(params, 'first_name', 50);
    const last = one(params, 'last_name', 50);
    const email = one(params, 'email', 254);
    const phone = one(params, 'phone', 40);
    if (email && !emailRe.test(email)) throw bad('email is not a valid e-mail address');
    // Chinese names are written family name first; 张 + 三 → 张三, John + Smith → John Smith
    const name = first && last ? (hasCjk(first + last) ? `${last}${first}` : `${first} ${last}`) : (first ?? last);
    return { name, email, phone };
  }

  return {
    discovery(baseUrl: string): Record<string, Open311Value> {
      return {
        changeset: '2026-11-22T00:00:00+08:00',
        contact: '12345 政务服务便民热线 municipal hotline 12345',
        key_service: 'API keys are issued by the city administrator (POST /api/v1/open311/keys)',
        endpoints: xmlList('endpoint', [
          {
            specification: 'http://wiki.open311.org/GeoReport_v2',
            url: baseUrl,
            changeset: '2026-11-22T00:00:00+08:00',
            type: 'production',
            formats: xmlList('format', ['application/json', 'text/xml']),
          },
        ]),
      };
    },

    async services() {
      const current = await taxonomy.current();
      return current.categories.map((c) => presentService(c, current));
    },

    definition: async (code: string) => presentDefinition(await category(code)),

    /** `POST requests`: validates like a GeoReport v2 server, then files the case through the case service. */
    async submit(params: Params, requestId?: string) {
      const key = await authenticate(params);
      const cat = await category(required(params, 'service_code', 20));
      const lat = number(params, 'lat', -90, 90);
      const lon = number(params, 'long', -180, 180);
      if ((lat === undefined) !== (lon === undefined)) throw bad('send both lat and long, or neither');
      const address = one(params, 'address_string', 500);
      if (lat === undefined && !address) throw bad('a location is required: lat and long, or address_string');
      const description = one(params, 'description', 4000);
      const attrs = attributes(params);
      const problem = checkAttributes(cat, attrs);
      if (problem) throw bad(problem);
      const mediaUrl = urlParam(params, 'media_url');
      const who = reporter(params);

      const severity = typeof attrs.severity === 'string' ? attrs.severity : undefined;
      const danger = attrs.danger_to_people === 'yes';
      const detail = typeof attrs.location_detail === 'string' && attrs.location_detail.trim() ? `\n具体位置：${attrs.location_detail.trim()}` : '';
      const text = `${description ?? `${cat.zh}（未附描述）`}${detail}${danger ? '\n报告人称危及人身安全' : ''}`;
      const token = randomUUID();
      const actor = await keyActor(key, requestId);

      // The token row and its audit entry commit in the intake's own transaction: a crash can no longer leave a
      // case without its token (a client's retry would then have filed the matter twice).
      const { case: c } = await cases.intake(
        actor,
        {
          channel: 'open311',
          text,
          category: cat.code,
          lon,
          lat,
          address,
          reporter: { name: who.name, phone: who.phone, email: who.email },
          priority: danger ? 1 : severity ? priorityForSeverity[severity] : undefined,
          urgent: danger || cat.urgent || undefined,
          externalRef: `open311:${token}`,
        },
        {
          within: async (tx, row) => {
            await store.insertRequest(tx, { case_id: row.id, token, api_key_id: key.id, service_code: cat.code, attributes: attrs, media_url: mediaUrl ?? null, created_at: row.created_at });
            await audit.record(tx, row.created_at, { id: null, username: actor.username, requestId }, 'open311.request', { type: 'case', id: row.code }, { key: key.id, token, media: Boolean(mediaUrl) });
          },
        },
      );
      // GeoReport v2 answers service_request_id *or* token; the id (the case code) is known at once, so the
      // token (kept for GET tokens/{token}) is not sent
      return [{ service_request_id: c.code, service_notice: `已受理，编号 ${c.code}。${serviceNotice(cat.deadlineHours, cat.workingTime)}`, account_id: null }];
    },

    async token(token: string) {
      const row = /^[0-9a-f-]{36}$/i.test(token) ? await store.findByToken(db, token.toLowerCase()) : undefined;
      if (!row) throw new Open311Error(404, `token ${token} not found`);
      return [{ service_request_id: row.code, token: row.token }];
    },

    async getRequest(code: string, publicBase: string) {
      if (!/^\d{13}$/.test(code)) throw new Open311Error(404, `service_request_id ${code} not found`);
      const { items } = await store.listRequests(db, { codes: [code], publicOnly: false }, 1, 1);
      if (!items.length) throw new Open311Error(404, `service_request_id ${code} not found`);
      return present(items, publicBase);
    },

    /** `GET requests`: service_request_id (overrides the rest), service_code, date window ≤ 90 days, status, paging. */
    async listRequests(params: Params, publicBase: string): Promise<Page<Record<string, Open311Value>>> {
      const page = integer(params, 'page', 1, 1_000_000, 1);
      // GeoReport v2: "up to 1000" requests by default (and the 90-day window of dateWindow)
      const pageSize = integer(params, 'page_size', 1, 1000, 1000);
      const ids = one(params, 'service_request_id', 2000);
      if (ids) {
        const codes = [...new Set(ids.split(',').map((s) => s.trim()).filter(Boolean))];
        if (codes.length > MAX_IDS) throw bad(`at most ${MAX_IDS} service_request_id values at once`);
        const { items, total } = await store.listRequests(db, { codes: codes.filter((c) => /^\d{13}$/.test(c)), publicOnly: false }, page, pageSize);
        return { rows: await present(items, publicBase), total };
      }
      const serviceCodes = one(params, 'service_code', 500)?.split(',').map((s) => s.trim()).filter(Boolean);
      for (const code of serviceCodes ?? []) await category(code);
      const statuses = one(params, 'status', 20)?.toLowerCase().split(',').map((s) => s.trim());
      if (statuses?.some((s) => s !== 'open' && s !== 'closed')) throw bad('status must be open or closed');
      const states = statuses && statuses.length === 1 ? (statuses[0] === 'open' ? openStatesForOpen311 : closedStates) : undefined;
      const { from, to } = dateWindow(params, clock.now(), config.TZ_OFFSET);
      const { items, total } = await store.listRequests(db, { from, to, serviceCodes, states, publicOnly: true }, page, pageSize);
      return { rows: await present(items, publicBase), total };
    },

    /** mySociety `GET servicerequestupdates`: public milestones and notes between two dates, oldest first. */
    async listUpdates(params: Params, publicBase: string): Promise<Page<Record<string, Open311Value>>> {
      const page = integer(params, 'page', 1, 1_000_000, 1);
      const pageSize = integer(params, 'page_size', 1, 200, 50);
      const { from, to } = dateWindow(params, clock.now(), config.TZ_OFFSET);
      const ids = one(params, 'service_request_id', 2000)?.split(',').map((s) => s.trim()).filter(Boolean);
      const { items, total } = await store.listUpdates(db, { from, to, codes: ids, actions: milestoneActions }, page, pageSize);
      return { rows: items.map((u) => presentUpdate(u, offsetMinutes, publicBase)), total };
    },

    postUpdate: (params: Params, requestId?: string) => postUpdate(params, requestId),
  };

  /**
   * mySociety `POST servicerequestupdates`: an external system says something about a case.
   *
   * | status (any case)                          | key of the case's own department            | any other key                         |
   * |--------------------------------------------|---------------------------------------------|---------------------------------------|
   * | IN_PROGRESS, ACTION_SCHEDULED, INVESTIGATING | case dispatched → 签收 accept              | note to dispatcher and department     |
   * | FIXED, CLOSED                              | 反馈 report (description = result); 400 unless handling | note                     |
   * | NOT_COUNCILS_RESPONSIBILITY, INTERNAL_REFERRAL | 退单 object (description = reason); 400 unless dispatched/handling | note          |
   * | OPEN, REOPEN on a closed or rated case     | reopen request to the dispatchers' review (返工 needs a supervisor) | same               |
   * | anything else                              | note                                        | note                                  |
   *
   * A transition goes through the case workflow (its own event and audit entry); a note is kept as an inbound
   * update and notifies the people who own the case. Retries with the same update_id are answered, not re-applied.
   */
  async function postUpdate(params: Params, requestId?: string) {
    const key = await authenticate(params);
    const code = required(params, 'service_request_id', 20);
    const rawStatus = required(params, 'status', 40).toUpperCase();
    const status = (updateStatuses as readonly string[]).includes(rawStatus) ? rawStatus : null;
    if (!status) throw bad(`status must be one of ${updateStatuses.join(', ')}`);
    const description = required(params, 'description', 4000);
    const updatedAt = dateParam(params, 'updated_datetime', config.TZ_OFFSET) ?? clock.now();
    const externalId = one(params, 'update_id', 100);
    const mediaUrl = urlParam(params, 'media_url');
    const who = reporter(params);
    const c = /^\d{13}$/.test(code) ? await store.caseForUpdate(db, code) : undefined;
    if (!c) throw new Open311Error(404, `service_request_id ${code} not found`);
    if (externalId) {
      const prior = await store.findUpdateByExternalId(db, key.id, externalId);
      if (prior) return [{ update_id: prior.case_event_id ? `E${prior.case_event_id}` : `U${prior.id}` }];
    }

    const own = key.department_code !== null && key.department_code === c.main_department;
    let action: CaseAction | null = null;
    if (own && ['IN_PROGRESS', 'ACTION_SCHEDULED', 'INVESTIGATING'].includes(status) && c.state === 'dispatched') action = 'accept';
    // a department's report-back or objection is a real step: if the state does not allow it, the workflow's
    // refusal (naming the state and the allowed steps) goes back to the department's system as a 400
    else if (own && ['FIXED', 'CLOSED'].includes(status)) action = 'report';
    else if (own && ['NOT_COUNCILS_RESPONSIBILITY', 'INTERNAL_REFERRAL'].includes(status)) action = 'object';
    const reopen = !action && ['OPEN', 'REOPEN'].includes(status) && (closedStates as readonly string[]).includes(c.state);
    const actor = await keyActor(key, requestId);
    const now = clock.now();

    let eventId: number | null = null;
    if (action) {
      await cases.act(actor, code, action, action === 'report' ? { answer: description } : action === 'object' ? { reason: description } : {});
      eventId = (await store.latestEventId(db, c.id, action)) ?? null;
    }
    const effect = action ? `transition:${action}` : reopen ? 'reopen_requested' : 'note';
    const id = await db.transaction().execute(async (tx) => {
      const id = await store.insertUpdate(tx, {
        case_id: c.id,
        api_key_id: key.id,
        external_id: externalId ?? null,
        status,
        description,
        media_url: mediaUrl ?? null,
        updated_at: updatedAt,
        received_at: now,
        effect,
        case_event_id: eventId,
        author_name: who.name ? pii.encrypt(who.name) : null,
        author_email: who.email ? pii.encrypt(who.email) : null,
        author_phone: who.phone ? pii.encrypt(who.phone) : null,
      });
      if (!action) {
        const title = reopen ? `案件 ${c.code} 外部系统申请重新办理，请审核` : `案件 ${c.code} 收到外部补充信息`;
        const kind = reopen ? 'open311.reopen_requested' : 'open311.note';
        const rows: NewNotification[] = [{ recipient_type: 'role', recipient: 'dispatcher', case_id: c.id, area_path: c.area_path, kind, title, body: description.slice(0, 500), created_at: now }];
        if (c.main_department && !reopen) rows.push({ ...rows[0]!, recipient_type: 'department', recipient: c.main_department });
        await notifications.notify(tx, rows);
      }
      await audit.record(tx, now, { id: null, username: actor.username, requestId }, 'open311.update', { type: 'case', id: c.code }, { status, effect, update: id, event: eventId, external: externalId ?? null });
      return id;
    });
    return [{ update_id: eventId ? `E${eventId}` : `U${id}` }];
  }
}

export type Open311Service = ReturnType<typeof createOpen311Service>;

/** Maps a case-service error onto GeoReport v2's few statuses: 403 and 404 keep theirs, any other 4xx is a 400. */
export function toOpen311Error(err: unknown): Open311Error | null {
  if (err instanceof Open311Error) return err;
  if (err instanceof AppError) {
    if (err.status === 403 || err.status === 404) return new Open311Error(err.status, err.message);
    if (err.status >= 400 && err.status < 500) return new Open311Error(400, err.message);
  }
  return null;
}
