import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { secretDigest } from '../privacy/pii.ts';
import { registerBuiltinCatalogue } from './service.ts';
import { createDatahallStore } from './store.ts';

/** The data hall key demo mode seeds (README): public knowledge, so it only ever exists in demo mode. */
export const DEMO_DATAHALL_KEY = 'demo-datahall-key';

/**
 * Demo data hall: the auto-registered catalogue (with its open datasets), one approved request with the demo
 * key (民政 reads people for special-care visits, ID numbers masked) and one pending (市政 asks for cases).
 */
export async function seedDatahallDemo(tx: Db, _deps: Deps, cityCode: string, at: Date): Promise<void> {
  await registerBuiltinCatalogue(tx, at);
  const store = createDatahallStore();
  const people = (await store.findResource(tx, 'people'))!;
  const cases = (await store.findResource(tx, 'cases'))!;
  const city = (await store.areaPath(tx, cityCode))!;
  const year = new Date(at.getTime() + 365 * 86_400_000);
  const approved = await store.insertRequest(tx, {
    resource_id: people.id, requester_department: 'MZ', consumer_id: null, requested_by: 'seed', purpose: '特殊人群走访关爱（民政）',
    fields: ['id', 'name', 'id_number', 'kind', 'tags', 'grid_code'], clear_fields: [], area_path: city, valid_from: at, valid_to: year,
    state: 'approved', owner_decision: 'approved', admin_decision: 'approved', approved_fields: ['id', 'name', 'id_number', 'kind', 'tags', 'grid_code'],
    approved_clear_fields: [], reason: '', decided_at: at, created_at: at,
  });
  await store.insertKey(tx, { request_id: approved.id, key_hash: secretDigest(DEMO_DATAHALL_KEY), key_prefix: 'demo-dat', created_at: at });
  await store.insertRequest(tx, {
    resource_id: cases.id, requester_department: 'SZ', consumer_id: null, requested_by: 'seed', purpose: '市政设施类案件分析',
    fields: ['code', 'category', 'state', 'grid_code', 'created_at'], clear_fields: [], area_path: city, valid_from: at, valid_to: year,
    state: 'pending', owner_decision: 'pending', admin_decision: 'pending', approved_fields: [], approved_clear_fields: [], reason: '', decided_at: null, created_at: at,
  });
}
