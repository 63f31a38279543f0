import type ExcelJS from 'exceljs';
import { loadExcel } from '../excel.ts';
import { readFileSync } from 'node:fs';
import { assertCan, can, type Actor } from '../access/permissions.ts';
import type { CaseService } from '../cases/service.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError, conflict, invalid, notFound } from '../errors.ts';
import { knowledgeInput, type KnowledgeInput } from './schema.ts';
import { indexText, queryTerms } from './segment.ts';
import { createKnowledgeStore, type IndexWords, type KnowledgeRow, type NewKnowledgeItem } from './store.ts';

const day = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
  return String(v).slice(0, 10);
};

function wordsOf(i: KnowledgeInput, departmentName: string): IndexWords {
  return {
    a: indexText(i.title),
    b: indexText(`${departmentName} ${i.conditions}`),
    c: indexText([...i.materials, ...i.steps, i.fees, i.timeLimit, i.location, ...i.faq.flatMap((f) => [f.q, f.a])].join(' ')),
  };
}

const rowOf = (i: KnowledgeInput, now: Date): NewKnowledgeItem => ({
  title: i.title,
  department_code: i.department ?? null,
  conditions: i.conditions,
  materials: i.materials,
  steps: i.steps,
  fees: i.fees,
  time_limit: i.timeLimit,
  location: i.location,
  online_url: i.onlineUrl ?? null,
  faq: i.faq,
  valid_from: i.validFrom ?? null,
  valid_to: i.validTo ?? null,
  owner: i.owner ?? null,
  review_due: i.reviewDue ?? null,
  published: i.published,
  created_at: now,
  updated_at: now,
});

/** Spreadsheet headers accepted by the import (Chinese or English), → input field. */
const headers: Record<string, keyof KnowledgeInput> = {
  标题: 'title', 事项名称: 'title', title: 'title', 部门: 'department', department: 'department', 办理条件: 'conditions', conditions: 'conditions',
  申请材料: 'materials', materials: 'materials', 办理流程: 'steps', steps: 'steps', 收费标准: 'fees', fees: 'fees', 办理时限: 'timeLimit', timelimit: 'timeLimit',
  办理地点: 'location', location: 'location', 网上办理: 'onlineUrl', onlineurl: 'onlineUrl', 生效日期: 'validFrom', validfrom: 'validFrom', 失效日期: 'validTo', validto: 'validTo',
  负责人: 'owner', owner: 'owner', 复核日期: 'reviewDue', reviewdue: 'reviewDue',
};

/**
 * 知识库 / 政务服务事项清单: the service catalogue a clerk answers how-to questions from (直接办结) and the portal's
 * 办事指南. Items are owned by someone who must review them yearly (review_due); search is jieba words in a
 * weighted tsvector, pg_trgm for the fuzzy rest, and a synonym table for what people say (暂住证 → 居住证).
 */
export function createKnowledgeService(deps: Deps, others: { cases?: CaseService } = {}) {
  const { db, clock } = deps;
  const store = createKnowledgeStore();
  let departments: Map<string, string> | null = null;
  const departmentNames = async () => (departments ??= new Map((await store.departmentNames(db)).map((d) => [d.code, d.name])));

  async function present(r: KnowledgeRow) {
    const names = await departmentNames();
    return {
      id: r.id,
      title: r.title,
      department: r.department_code ? { code: r.department_code, name: names.get(r.department_code) ?? r.department_code } : null,
      conditions: r.conditions,
      materials: r.materials,
      steps: r.steps,
      fees: r.fees,
      timeLimit: r.time_limit,
      location: r.location,
      onlineUrl: r.online_url,
      faq: r.faq,
      validFrom: day(r.valid_from),
      validTo: day(r.valid_to),
      owner: r.owner,
      reviewDue: day(r.review_due),
      published: r.published,
      uses: r.uses,
    };
  }

  async function checkDepartment(code: string | null | undefined) {
    if (code && !(await departmentNames()).has(code)) throw invalid('department.unknown', `department ${code} does not exist`);
  }

  async function insert(tx: Db, input: KnowledgeInput, now: Date) {
    const names = await departmentNames();
    return store.insert(tx, rowOf(input, now), wordsOf(input, input.department ? (names.get(input.department) ?? '') : ''));
  }

  function mayEdit(actor: Actor, r: KnowledgeRow) {
    if (can(actor, 'knowledge.manage')) return;
    if (r.owner && r.owner === actor.username) return;
    throw new AppError(403, 'knowledge.not_owner', 'only an admin or the item’s owner may change it');
  }

  async function search(text: string, limit: number, publishedOnly: boolean) {
    const terms = queryTerms(text);
    const synonyms = await store.synonyms(db, terms);
    const all = [...new Set([...terms, ...synonyms.flatMap((s) => queryTerms(s))])];
    const today = day(clock.now())!;
    const rows = await store.search(db, { text, terms: all, today, limit, publishedOnly });
    return Promise.all(rows.map(async (r) => ({ ...(await present(r)), score: Math.round(r.score * 1000) / 1000 })));
  }

  return {
    present,
    /** Staff search (triage panel, 直接办结). */
    async search(actor: Actor, text: string, limit = 5) {
      assertCan(actor, 'knowledge.read');
      return search(text, limit, false);
    },
    /** The portal's 办事指南: published items only. */
    publicSearch: (text: string, limit = 5) => search(text, limit, true),

    async get(actor: Actor | null, id: string) {
      if (actor) assertCan(actor, 'knowledge.read');
      const r = await store.find(db, id);
      if (!r || (!actor && !r.published)) throw notFound('knowledge', id);
      return present(r);
    },

    async list(actor: Actor, filter: { department?: string; reviewDue?: 'overdue' }, page: number, pageSize: number) {
      assertCan(actor, 'knowledge.read');
      const [rows, total] = await store.list(db, { ...(filter.department ? { department: filter.department } : {}), ...(filter.reviewDue ? { reviewDueBefore: day(clock.now())! } : {}) }, page, pageSize);
      return { items: await Promise.all(rows.map(present)), total, page, pageSize };
    },

    async create(actor: Actor, input: KnowledgeInput) {
      assertCan(actor, 'knowledge.manage');
      await checkDepartment(input.department);
      const now = clock.now();
      const row = await db.transaction().execute(async (tx) => {
        const r = await insert(tx, input, now);
        await deps.audit.record(tx, now, actor, 'knowledge.create', { type: 'knowledge', id: r.id }, { title: r.title });
        return r;
      });
      return present(row);
    },

    async update(actor: Actor, id: string, input: KnowledgeInput) {
      const existing = await store.find(db, id);
      if (!existing) throw notFound('knowledge', id);
      mayEdit(actor, existing);
      await checkDepartment(input.department);
      const now = clock.now();
      const names = await departmentNames();
      const { created_at: _c, ...patch } = rowOf(input, now);
      const row = await db.transaction().execute(async (tx) => {
        const r = await store.update(tx, id, patch, wordsOf(input, input.department ? (names.get(input.department) ?? '') : ''));
        await deps.audit.record(tx, now, actor, 'knowledge.update', { type: 'knowledge', id }, { title: input.title });
        return r!;
      });
      return present(row);
    },

    async remove(actor: Actor, id: string) {
      assertCan(actor, 'knowledge.manage');
      const now = clock.now();
      await db.transaction().execute(async (tx) => {
        const r = await store.remove(tx, id);
        if (!r.numDeletedRows) throw notFound('knowledge', id);
        await deps.audit.record(tx, now, actor, 'knowledge.delete', { type: 'knowledge', id }, {});
      });
    },

    /** XLSX import: every row is checked first; one bad row imports nothing and is reported with its row number. */
    async importXlsx(actor: Actor, bytes: Buffer) {
      assertCan(actor, 'knowledge.manage');
      const book = new (await loadExcel()).Workbook();
      try {
        await book.xlsx.load(bytes as never);
      } catch {
        throw invalid('knowledge.bad_file', 'the file is not an XLSX workbook');
      }
      const sheet = book.worksheets[0];
      if (!sheet) throw invalid('knowledge.bad_file', 'the workbook has no sheet');
      const fields: (keyof KnowledgeInput | undefined)[] = [];
      sheet.getRow(1).eachCell((cell, col) => void (fields[col] = headers[String(cell.value ?? '').trim().toLowerCase()] ?? headers[String(cell.value ?? '').trim()]));
      if (!fields.includes('title')) throw invalid('knowledge.no_title_column', 'the first row must name the columns; one must be 标题 (title)');
      const names = await departmentNames();
      const parsed: KnowledgeInput[] = [];
      const errors: { row: number; message: string }[] = [];
      sheet.eachRow((row, n) => {
        if (n === 1) return;
        const raw: Record<string, unknown> = {};
        row.eachCell((cell, col) => {
          const f = fields[col];
          if (!f) return;
          const v = cell.value instanceof Date ? day(cell.value) : String(cell.text ?? cell.value ?? '').trim();
          raw[f] = f === 'materials' || f === 'steps' ? String(v).split(/[;；\n]/).map((s) => s.trim()).filter(Boolean) : v || undefined;
        });
        const r = knowledgeInput.safeParse(raw);
        if (!r.success) errors.push({ row: n, message: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
        else if (r.data.department && !names.has(r.data.department)) errors.push({ row: n, message: `department ${r.data.department} does not exist` });
        else parsed.push(r.data);
      });
      if (errors.length) return { imported: 0, errors };
      const now = clock.now();
      await db.transaction().execute(async (tx) => {
        for (const p of parsed) await insert(tx, p, now);
        await deps.audit.record(tx, now, actor, 'knowledge.import', { type: 'knowledge', id: 'xlsx' }, { rows: parsed.length });
      });
      return { imported: parsed.length, errors: [] };
    },

    /** 直接办结 by this item: the case must be one the clerk just answered directly. */
    async recordAnswer(actor: Actor, itemId: string, caseCode: string) {
      assertCan(actor, 'case.accept');
      if (!others.cases) throw new Error('knowledge service built without cases');
      const c = await others.cases.get(actor, caseCode);
      if (!(await store.find(db, itemId))) throw notFound('knowledge', itemId);
      if (!['closed', 'rated'].includes(c.state) || !(await others.cases.core.store.countEvents(db, c.id, 'answer'))) {
        throw conflict('knowledge.not_answered', `case ${c.code} was not closed by 直接办结`);
      }
      const now = clock.now();
      await db.transaction().execute(async (tx) => {
        if (await store.recordAnswer(tx, { case_id: c.id, item_id: itemId, actor: actor.username, at: now })) await store.countUse(tx, itemId);
        await deps.audit.record(tx, now, actor, 'knowledge.answered', { type: 'case', id: c.code }, { knowledgeItemId: itemId });
      });
      return { caseCode: c.code, knowledgeItemId: itemId };
    },
  };
}

export type KnowledgeService = ReturnType<typeof createKnowledgeService>;

/** The demo catalogue (~120 items across the taxonomy's departments): data/items.jsonl. */
export async function seedKnowledgeDemo(tx: Db, now: Date): Promise<void> {
  const store = createKnowledgeStore();
  const lines = readFileSync(new URL('./data/items.jsonl', import.meta.url), 'utf8').split('\n').filter(Boolean);
  const names = new Map((await store.departmentNames(tx)).map((d) => [d.code, d.name]));
  for (const line of lines) {
    const input = knowledgeInput.parse(JSON.parse(line));
    await store.insert(tx, rowOf(input, now), wordsOf(input, input.department ? (names.get(input.department) ?? '') : ''));
  }
}
