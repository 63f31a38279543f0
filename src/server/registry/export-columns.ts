import type { z } from 'zod';
import type { ExportColumn } from '../http/export.ts';
import type { house, person } from '../../../shared/registry/schema.ts';

/** Registry export columns, read from the list presenters' output: ID numbers and phones stay masked. */
export const personExportColumns: readonly ExportColumn<z.infer<typeof person>>[] = [
  { zh: '姓名', en: 'Name', value: (p) => p.name },
  { zh: '类别', en: 'Kind', value: (p) => p.kind },
  { zh: '性别', en: 'Gender', value: (p) => p.gender },
  { zh: '出生日期', en: 'Birth date', value: (p) => p.birthDate ?? '' },
  { zh: '证件类型', en: 'ID type', value: (p) => p.idType },
  { zh: '证件号码', en: 'ID number', value: (p) => p.idNumber },
  { zh: '联系电话', en: 'Phone', value: (p) => p.phone ?? '' },
  { zh: '民族', en: 'Ethnicity', value: (p) => p.ethnicity },
  { zh: '地址', en: 'Address', value: (p) => p.address },
  { zh: '网格', en: 'Grid', value: (p) => p.gridCode },
  { zh: '标签', en: 'Tags', value: (p) => p.tags.join(';') },
  { zh: '登记时间', en: 'Registered at', value: (p) => p.createdAt },
];

export const houseExportColumns: readonly ExportColumn<z.infer<typeof house>>[] = [
  { zh: '地址', en: 'Address', value: (h) => h.address },
  { zh: '楼栋', en: 'Building', value: (h) => h.building },
  { zh: '单元', en: 'Unit', value: (h) => h.unit },
  { zh: '房号', en: 'Room', value: (h) => h.room },
  { zh: '用途', en: 'Purpose', value: (h) => h.purpose },
  { zh: '出租', en: 'Rental', value: (h) => (h.rental ? '是' : '否') },
  { zh: '网格', en: 'Grid', value: (h) => h.gridCode },
  { zh: '备注', en: 'Note', value: (h) => h.note },
  { zh: '登记时间', en: 'Registered at', value: (h) => h.createdAt },
];
