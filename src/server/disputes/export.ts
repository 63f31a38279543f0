import type { z } from 'zod';
import { disputeStateLabels, disputeTypeLabels, handoverLabels, mediatorKindLabels, type disputeSummary } from '../../../shared/disputes.ts';
import type { ExportColumn } from '../http/export.ts';
import { presentDispute } from './presenters.ts';
import type { RegisterRow } from './store.ts';

const riskLabels: Record<string, string> = { low: '低', medium: '中', high: '高' };

/** One register row as the export shows it: the list's presenter, plus the outcome and the area's name. */
export type DisputeExportRow = z.infer<typeof disputeSummary> & { areaName: string; outcome: string; receivingBody: string };

export const presentDisputeExport =
  (areaNames: ReadonlyMap<string, string>) =>
  (r: RegisterRow): DisputeExportRow => {
    const s = presentDispute(r);
    return {
      ...s,
      areaName: areaNames.get(s.area) ?? s.area,
      outcome: r.outcome === 'agreement' ? '达成协议' : r.handover_to ? handoverLabels[r.handover_to] : '',
      receivingBody: r.receiving_body ?? '',
    };
  };

/** 矛盾纠纷台账 columns, in the order offices file them (shared export: ?format=csv|xlsx and export.xlsx). */
export const disputeExportColumns: readonly ExportColumn<DisputeExportRow>[] = [
  { zh: '案件编号', en: 'Case code', value: (r) => r.code },
  { zh: '登记时间', en: 'Registered at', value: (r) => r.createdAt },
  { zh: '所属区域', en: 'Area', value: (r) => r.areaName },
  { zh: '纠纷类型', en: 'Dispute type', value: (r) => disputeTypeLabels[r.type] ?? r.type },
  { zh: '风险等级', en: 'Risk', value: (r) => riskLabels[r.riskLevel] },
  { zh: '状态', en: 'State', value: (r) => disputeStateLabels[r.state] },
  { zh: '调解人', en: 'Mediator', value: (r) => `${mediatorKindLabels[r.mediator.kind] ?? r.mediator.kind} ${r.mediator.name}` },
  { zh: '最近调解', en: 'Last session', value: (r) => r.lastSessionAt ?? '' },
  { zh: '结果', en: 'Outcome', value: (r) => r.outcome },
  { zh: '接收单位', en: 'Receiving body', value: (r) => r.receivingBody },
  { zh: '简要情况', en: 'Summary', value: (r) => r.summary },
];
