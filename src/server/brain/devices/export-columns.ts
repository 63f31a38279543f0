import type { z } from 'zod';
import type { ExportColumn } from '../../http/export.ts';
import type { device } from '../schema.ts';

type DeviceOut = z.infer<typeof device>;

/** The device list's export columns, read from the list presenter's output (never a secret or hash). */
export const deviceExportColumns: readonly ExportColumn<DeviceOut>[] = [
  { zh: '设备编号', en: 'Device id', value: (d) => d.id },
  { zh: '名称', en: 'Name', value: (d) => d.name },
  { zh: '类型', en: 'Type', value: (d) => d.type },
  { zh: '网格', en: 'Grid', value: (d) => d.gridCode ?? '' },
  { zh: '经度', en: 'Longitude', value: (d) => d.lon },
  { zh: '纬度', en: 'Latitude', value: (d) => d.lat },
  { zh: '权属单位', en: 'Owner', value: (d) => d.ownerDepartment ?? '' },
  { zh: '协议', en: 'Protocol', value: (d) => d.protocol },
  { zh: '启用', en: 'Enabled', value: (d) => (d.enabled ? '是' : '否') },
  { zh: '在线', en: 'Online', value: (d) => (d.online ? '是' : '否') },
  { zh: '最后上报', en: 'Last seen', value: (d) => d.lastSeen ?? '' },
  { zh: '电量', en: 'Battery', value: (d) => d.battery },
  { zh: '最新读数', en: 'Latest values', value: (d) => Object.entries(d.latest).map(([k, v]) => `${k}=${v}`).join('; ') },
  { zh: '凭据更新时间', en: 'Credentials rotated', value: (d) => d.credentialsRotatedAt ?? '' },
];
