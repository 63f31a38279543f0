import type { z } from 'zod';
import type { ExportColumn } from '../../http/export.ts';
import type { alarm } from '../schema.ts';

type AlarmOut = z.infer<typeof alarm>;

/** The alarm list's export columns, read from the list presenter's output. */
export const alarmExportColumns: readonly ExportColumn<AlarmOut>[] = [
  { zh: '告警编号', en: 'Alarm id', value: (a) => a.id },
  { zh: '设备', en: 'Device', value: (a) => a.deviceId },
  { zh: '告警类型', en: 'Type', value: (a) => a.type },
  { zh: '等级', en: 'Severity', value: (a) => a.severity },
  { zh: '状态', en: 'Status', value: (a) => a.status },
  { zh: '网格', en: 'Grid', value: (a) => a.gridCode ?? '' },
  { zh: '指标', en: 'Metric', value: (a) => a.metric ?? '' },
  { zh: '首次读数', en: 'First value', value: (a) => a.firstValue },
  { zh: '最新读数', en: 'Last value', value: (a) => a.lastValue },
  { zh: '次数', en: 'Count', value: (a) => a.count },
  { zh: '告警时间', en: 'Raised at', value: (a) => a.raisedAt },
  { zh: '确认人', en: 'Acknowledged by', value: (a) => a.acknowledgedBy ?? '' },
  { zh: '确认时间', en: 'Acknowledged at', value: (a) => a.acknowledgedAt ?? '' },
  { zh: '解除人', en: 'Cleared by', value: (a) => a.clearedBy ?? '' },
  { zh: '解除时间', en: 'Cleared at', value: (a) => a.clearedAt ?? '' },
  { zh: '解除原因', en: 'Clear reason', value: (a) => a.clearReason ?? '' },
  { zh: '关联案件', en: 'Case', value: (a) => a.case.code ?? '' },
];
