import type { CatalogueResource, SharingRequest, AccessEntry } from '../../../shared/datahall.ts';
import type { AccessLogRow } from './access-log-store.ts';
import type { ResourceView } from './service.ts';
import type { RequestView } from './sharing-service.ts';

/** Exactly what leaves the data hall API: never a key digest, never row data. */
export const presentResource = ({ row, ownerName, fields }: ResourceView): CatalogueResource => ({
  id: row.id,
  code: row.code,
  kind: row.kind,
  title: row.title,
  titleEn: row.title_en,
  description: row.description,
  owner: { code: row.owner_department, name: ownerName },
  updateCycle: row.update_cycle as CatalogueResource['updateCycle'],
  securityGrade: row.security_grade as CatalogueResource['securityGrade'],
  sensitivity: row.sensitivity,
  shareType: row.share_type as CatalogueResource['shareType'],
  openType: row.open_type as CatalogueResource['openType'],
  approval: row.approval,
  tags: row.tags,
  theme: row.theme,
  licenseId: row.license_id,
  version: row.version,
  updatedAt: row.updated_at.toISOString(),
  fields: fields.map((f) => ({
    name: f.name,
    label: f.label,
    type: f.type as CatalogueResource['fields'][number]['type'],
    pii: f.pii as CatalogueResource['fields'][number]['pii'],
    securityGrade: f.security_grade as CatalogueResource['securityGrade'],
    sensitivity: f.sensitivity,
    shareType: f.share_type as CatalogueResource['shareType'],
    openType: f.open_type as CatalogueResource['openType'],
  })),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const presentRequest = ({ row, keys }: RequestView): SharingRequest => ({
  id: row.id,
  resource: { code: row.resource_code, title: row.resource_title, owner: row.owner_department },
  requester: { department: row.requester_department, consumer: row.consumer_name, user: row.requested_by },
  purpose: row.purpose,
  fields: row.fields,
  clearFields: row.clear_fields,
  area: row.area_path.split('.').pop() ?? row.area_path,
  validFrom: row.valid_from.toISOString(),
  validTo: row.valid_to.toISOString(),
  state: row.state,
  ownerDecision: row.owner_decision,
  adminDecision: row.admin_decision,
  approvedFields: row.approved_fields,
  approvedClearFields: row.approved_clear_fields,
  reason: row.reason,
  createdAt: row.created_at.toISOString(),
  decidedAt: iso(row.decided_at),
  keys: keys.map((k) => ({ id: k.id, prefix: k.key_prefix, createdAt: k.created_at.toISOString(), revokedAt: iso(k.revoked_at), lastUsedAt: iso(k.last_used_at) })),
});

export const presentAccess = (r: AccessLogRow): AccessEntry => ({
  seq: Number(r.seq),
  at: r.at.toISOString(),
  consumer: r.consumer,
  resource: r.resource_code,
  owner: r.owner_department,
  fields: r.fields,
  rowCount: r.row_count,
  purpose: r.purpose,
  hash: r.hash,
});
