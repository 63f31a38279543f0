import { roundCoordinate, scrubPii } from '../cases/scrub.ts';
import type { CaseState } from '../../../shared/cases/state-machine.ts';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';
import type { Open311Value } from './format.ts';
import { formatInstant } from './params.ts';
import { isSensitive } from './catalogue.ts';
import type { RequestRow, UpdateRow } from './store.ts';

/**
 * What leaves through Open311 GET: never the reporter (name, phone, e-mail are not even selected), free text
 * scrubbed of numbers and addresses that identify people, coordinates rounded to ~100 m, and for private
 * matters (see services.ts) only status, service and dates.
 */

/** GeoReport v2 knows two request states; a case is closed once nobody has work left on it. */
export const closedStates: readonly CaseState[] = ['closed', 'rated', 'rejected', 'void', 'merged'];
export const openStatesForOpen311: readonly CaseState[] = ['received', 'filed', 'dispatched', 'handling', 'extension_requested', 'parked', 'reported', 'checked', 'returned'];

export const requestStatus = (state: string): 'open' | 'closed' => ((closedStates as readonly string[]).includes(state) ? 'closed' : 'open');

/**
 * The place without the flat: a house or unit number says where someone lives. "幸福路88号3单元502室" becomes
 * "幸福路88号"; a street address of a pothole stays useful.
 */
export function publicAddress(address: string | null): string | null {
  if (!address) return null;
  const cut = address.replace(/[0-9０-９一二三四五六七八九十百]+\s*(号楼|栋|幢|单元|室|层|楼|户)[\s\S]*$/u, '').trim();
  return scrubPii(cut) || null;
}

/** Public text: PII patterns masked, and the reporter's own name if they wrote it into the text. */
export function publicText(text: string | null, reporterName?: string | null): string | null {
  if (!text) return null;
  let out = scrubPii(text);
  if (reporterName && reporterName.length >= 2) out = out.split(reporterName).join('某某');
  return out;
}

function statusNote(r: RequestRow, sensitive: boolean, reporterName: string | null): string {
  const dep = r.department_name ?? '承办单位';
  switch (r.state) {
    case 'received':
      return '已受理 received';
    case 'filed':
      return '已立案，等待派遣 registered, awaiting dispatch';
    case 'dispatched':
      return `已派遣至${dep} dispatched`;
    case 'handling':
    case 'extension_requested':
      return `${dep}正在处置 in progress`;
    case 'parked':
      return '暂列挂账，条件具备后处置 scheduled for later';
    case 'returned':
      return '重新派遣中 being re-dispatched';
    case 'reported':
      return '处置完毕，等待核查 fixed, awaiting check';
    case 'checked':
      return '核查通过，等待结案 checked, closing';
    case 'rejected':
      return '不属于受理范围 not within our responsibility';
    case 'merged':
      return `已与 ${r.merged_into_code ?? '其他诉求'} 合并办理 merged as duplicate`;
    case 'void':
      return '已作废 withdrawn';
    default:
      // closed / rated: the answer told to the reporter, unless the matter is private
      return sensitive ? '已办结 closed' : (publicText(r.answer, reporterName) ?? '已办结 closed');
  }
}

export interface PresentContext {
  /** the current taxonomy version (names of categories an admin added too) */
  taxonomy: Pick<Taxonomy, 'category'>;
  offsetMinutes: number;
  /** decrypted reporter names by case id, used only to scrub them out */
  reporterNames: Map<string, string>;
  /** `https://host` of this server, for links to public photo copies */
  publicBase: string;
}

/** The public, EXIF-stripped copy of a case photo (served by the public tracking routes). */
export const photoUrl = (base: string, code: string, photoId: string | null) => (photoId ? `${base}/api/v1/public/cases/${code}/photos/${photoId}` : null);

/** One `<request>` of `GET requests` / `GET requests/{id}`. */
export function presentRequest(r: RequestRow, ctx: PresentContext): Record<string, Open311Value> {
  // a voided case (作废: test entries, abuse) keeps its text to itself even when looked up by id
  const sensitive = isSensitive(r.category, r.nature) || r.state === 'void';
  const name = ctx.reporterNames.get(r.id) ?? null;
  const category = r.category ? ctx.taxonomy.category(r.category) : undefined;
  const when = (d: Date | null) => (d ? formatInstant(d, ctx.offsetMinutes) : null);
  return {
    service_request_id: r.code,
    status: requestStatus(r.state),
    status_notes: statusNote(r, sensitive, name),
    service_name: category?.zh ?? null,
    service_code: r.category,
    description: sensitive ? null : publicText(r.text, name),
    agency_responsible: r.department_name,
    service_notice: category ? serviceNotice(category.deadlineHours, category.workingTime) : null,
    requested_datetime: when(r.created_at),
    updated_datetime: when(r.updated_at),
    expected_datetime: when(r.due_at),
    address: sensitive ? null : publicAddress(r.address),
    address_id: null,
    zipcode: null,
    lat: sensitive || r.lat === null ? null : roundCoordinate(r.lat),
    long: sensitive || r.lon === null ? null : roundCoordinate(r.lon),
    media_url: sensitive ? null : (r.media_url ?? photoUrl(ctx.publicBase, r.code, r.photo_id)),
  };
}

export const serviceNotice = (hours: number, workingTime: boolean) =>
  `处置时限 ${hours} ${workingTime ? '个工作小时' : '小时'}，自派遣起计 (handling limit ${hours} ${workingTime ? 'working ' : ''}hours from dispatch)`;

/**
 * mySociety status of a case-timeline milestone. Internal steps (extension requests, supervision cards,
 * ratings, attachments) are not milestones and are not published.
 *
 * | case event                     | status                       |
 * |--------------------------------|------------------------------|
 * | intake                         | OPEN                         |
 * | file 立案                      | INVESTIGATING                |
 * | dispatch 派遣, park 挂账        | ACTION_SCHEDULED             |
 * | redispatch 改派, object 退单    | INTERNAL_REFERRAL            |
 * | accept, approve_extension, unpark, rework | IN_PROGRESS       |
 * | report 反馈, check 核查         | FIXED                        |
 * | close, answer, close_with_main | CLOSED                       |
 * | reject 不受理                   | NOT_COUNCILS_RESPONSIBILITY  |
 * | merge 合并                      | DUPLICATE                    |
 */
export const milestoneStatus: Record<string, string> = {
  intake: 'OPEN',
  file: 'INVESTIGATING',
  dispatch: 'ACTION_SCHEDULED',
  park: 'ACTION_SCHEDULED',
  redispatch: 'INTERNAL_REFERRAL',
  object: 'INTERNAL_REFERRAL',
  accept: 'IN_PROGRESS',
  approve_extension: 'IN_PROGRESS',
  unpark: 'IN_PROGRESS',
  rework: 'IN_PROGRESS',
  report: 'FIXED',
  check: 'FIXED',
  close: 'CLOSED',
  answer: 'CLOSED',
  close_with_main: 'CLOSED',
  reject: 'NOT_COUNCILS_RESPONSIBILITY',
  merge: 'DUPLICATE',
};

export const milestoneActions = Object.keys(milestoneStatus);

function milestoneText(u: UpdateRow): string {
  const dep = u.department ?? '承办单位';
  switch (u.action) {
    case 'intake':
      return '已受理 received';
    case 'file':
      return '已立案 registered';
    case 'dispatch':
      return `已派遣至${dep} dispatched`;
    case 'redispatch':
      return `已改派至${dep} re-dispatched`;
    case 'object':
      return '承办单位退回，重新派遣 returned for re-dispatch';
    case 'accept':
      return '承办单位已签收，正在处置 in progress';
    case 'approve_extension':
      return '处置时限已延长 deadline extended';
    case 'park':
      return '暂列挂账，条件具备后处置 scheduled for later';
    case 'unpark':
      return '恢复处置 resumed';
    case 'rework':
      return '重新办理 reopened for rework';
    case 'report':
      return '处置完毕，等待核查 fixed, awaiting check';
    case 'check':
      return '现场核查通过 checked on site';
    case 'reject':
      return '不属于受理范围 not within our responsibility';
    case 'merge':
      return '与其他诉求合并办理 merged as duplicate';
    default:
      return publicText(u.answer) ?? '已办结 closed';
  }
}

/** One `<request_update>` of `GET servicerequestupdates`. */
export function presentUpdate(u: UpdateRow, offsetMinutes: number, publicBase: string): Record<string, Open311Value> {
  const isNote = u.action === 'note';
  return {
    update_id: u.update_id,
    service_request_id: u.code,
    status: isNote ? (u.status ?? 'OPEN') : (milestoneStatus[u.action] ?? 'OPEN'),
    updated_datetime: formatInstant(new Date(u.at), offsetMinutes),
    description: isNote ? (publicText(u.note) ?? '') : milestoneText(u),
    media_url: u.media_url ?? photoUrl(publicBase, u.code, u.photo_id),
  };
}
