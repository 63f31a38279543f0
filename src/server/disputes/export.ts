import ExcelJS from 'exceljs';
import { disputeStateLabels, disputeTypeLabels, handoverLabels, mediatorKindLabels } from '../../../shared/disputes.ts';
import type { RegisterRow } from './store.ts';

const riskLabels: Record<string, string> = { low: '低', medium: '中', high: '高' };

/** 矛盾纠纷台账 as a workbook: one row per dispute of the filtered register, Chinese headers as offices file them. */
export async function registerWorkbook(rows: RegisterRow[], areaNames: ReadonlyMap<string, string>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('矛盾纠纷台账');
  ws.columns = [
    { header: '案件编号', key: 'code', width: 16 },
    { header: '登记时间', key: 'created', width: 20 },
    { header: '所属区域', key: 'area', width: 22 },
    { header: '纠纷类型', key: 'type', width: 12 },
    { header: '风险等级', key: 'risk', width: 8 },
    { header: '状态', key: 'state', width: 10 },
    { header: '调解人', key: 'mediator', width: 18 },
    { header: '最近调解', key: 'lastSession', width: 20 },
    { header: '结果', key: 'outcome', width: 24 },
    { header: '接收单位', key: 'receiving', width: 20 },
    { header: '简要情况', key: 'summary', width: 50 },
  ];
  ws.getRow(1).font = { bold: true };
  for (const r of rows) {
    const area = r.area_path.split('.').pop()!;
    ws.addRow({
      code: r.code,
      created: r.created_at.toISOString(),
      area: areaNames.get(area) ?? area,
      type: disputeTypeLabels[r.type as keyof typeof disputeTypeLabels] ?? r.type,
      risk: riskLabels[r.risk_level],
      state: disputeStateLabels[r.state],
      mediator: `${mediatorKindLabels[r.mediator_kind as keyof typeof mediatorKindLabels] ?? r.mediator_kind} ${r.mediator_name}`,
      lastSession: r.last_session_at?.toISOString() ?? '',
      outcome: r.outcome === 'agreement' ? '达成协议' : r.handover_to ? handoverLabels[r.handover_to] : '',
      receiving: r.receiving_body ?? '',
      summary: r.summary,
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
