import type { ExportColumn } from '../http/export.ts';
import type { z } from 'zod';
import type { caseSummary } from '../../../shared/cases/schema.ts';

type CaseOut = z.infer<typeof caseSummary>;

/** The case list's export columns: values come from the list presenter, so the reporter stays masked. */
export const caseExportColumns: readonly ExportColumn<CaseOut>[] = [
  { zh: '案件编号', en: 'Case code', value: (c) => c.code },
  { zh: '状态', en: 'State', value: (c) => c.stateName },
  { zh: '渠道', en: 'Channel', value: (c) => c.channel },
  { zh: '分类', en: 'Category', value: (c) => c.category?.name ?? '' },
  { zh: '性质', en: 'Nature', value: (c) => c.nature ?? '' },
  { zh: '紧急', en: 'Urgent', value: (c) => (c.urgent ? '是' : '') },
  { zh: '优先级', en: 'Priority', value: (c) => c.priority },
  { zh: '内容', en: 'Text', value: (c) => c.text },
  { zh: '地址', en: 'Address', value: (c) => c.location.address ?? '' },
  { zh: '网格', en: 'Grid', value: (c) => c.location.gridCode ?? '' },
  { zh: '主办部门', en: 'Department', value: (c) => c.department.main ?? '' },
  { zh: '反映人', en: 'Reporter', value: (c) => (c.reporter.anonymous ? '匿名' : (c.reporter.name ?? '')) },
  { zh: '反映人电话', en: 'Reporter phone', value: (c) => c.reporter.phone ?? '' },
  { zh: '督办', en: 'Supervision', value: (c) => c.supervision },
  { zh: '办结时限', en: 'Due at', value: (c) => c.deadlines.dueAt ?? '' },
  { zh: '创建时间', en: 'Created at', value: (c) => c.createdAt },
];
