import type { OpenType, PiiKind, SecurityGrade, ShareType } from '../../../shared/datahall.ts';

/**
 * 政务信息资源目录: what the platform itself holds, registered at seed time so a department finds every table
 * without anyone typing it in. Grades follow GB/T 43697-2024 (a table of personal information is 重要 at
 * least; individual PII fields are 核心 with the highest sensitivity); open datasets are anonymised views
 * built by opendata/builders.ts.
 */
export interface FieldDef {
  name: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'datetime' | 'boolean' | 'geometry' | 'code';
  pii?: PiiKind;
  grade?: SecurityGrade;
  sensitivity?: number;
  share?: ShareType;
  open?: OpenType;
}

export interface ResourceDef {
  code: string;
  kind: 'table' | 'open';
  title: string;
  titleEn: string;
  description: string;
  owner: string;
  updateCycle: 'realtime' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly' | 'irregular';
  grade: SecurityGrade;
  sensitivity: number;
  share: ShareType;
  open: OpenType;
  approval?: 'both' | 'owner' | 'admin';
  source?: string;
  builder?: string;
  tags: string[];
  theme: string;
  fields: FieldDef[];
}

const pii = (name: string, label: string, kind: PiiKind): FieldDef => ({ name, label, type: 'text', pii: kind, grade: 'core', sensitivity: 4, share: 'conditional', open: 'none' });
const general = (name: string, label: string, type: FieldDef['type'] = 'text'): FieldDef => ({ name, label, type });

export const builtinResources: ResourceDef[] = [
  {
    code: 'people', kind: 'table', title: '实有人口信息', titleEn: 'Resident population register', owner: 'GA', updateCycle: 'daily',
    description: '户籍、流动和境外人口及特殊人群，按网格登记（公安、民政共同维护）。', grade: 'important', sensitivity: 3, share: 'conditional', open: 'none',
    source: 'people', tags: ['人口', '特殊人群'], theme: 'population',
    fields: [
      general('id', '记录编号', 'code'), pii('name', '姓名', 'name'), pii('id_number', '身份证号', 'id_number'), pii('phone', '联系电话', 'phone'),
      general('kind', '人口类别', 'code'), general('gender', '性别', 'code'), { ...general('birth_date', '出生日期', 'date'), grade: 'important', sensitivity: 3 },
      general('tags', '特殊人群标签'), general('grid_code', '所属网格', 'code'),
    ],
  },
  {
    code: 'houses', kind: 'table', title: '房屋信息', titleEn: 'Houses and buildings', owner: 'ZJ', updateCycle: 'weekly',
    description: '小区、楼栋、单元、房间及出租屋标识。', grade: 'general', sensitivity: 2, share: 'unconditional', open: 'none',
    source: 'houses', tags: ['房屋', '出租屋'], theme: 'housing',
    fields: [general('id', '记录编号', 'code'), general('address', '地址'), general('building', '楼栋'), general('unit', '单元'), general('room', '房间'), general('purpose', '用途', 'code'), general('rental', '出租屋', 'boolean'), general('grid_code', '所属网格', 'code')],
  },
  {
    code: 'organisations', kind: 'table', title: '法人和组织信息', titleEn: 'Enterprises and organisations', owner: 'SCJG', updateCycle: 'daily',
    description: '企业、社会组织、党组织及统一社会信用代码。', grade: 'general', sensitivity: 2, share: 'unconditional', open: 'none',
    source: 'organisations', tags: ['企业', '社会组织'], theme: 'economy',
    fields: [general('id', '记录编号', 'code'), general('name', '名称'), general('kind', '类别', 'code'), general('credit_code', '统一社会信用代码', 'code'), general('industry', '行业'), general('status', '状态', 'code'), general('grid_code', '所属网格', 'code')],
  },
  {
    code: 'components', kind: 'table', title: '城市部件', titleEn: 'City components', owner: 'SZ', updateCycle: 'weekly',
    description: 'GB/T 30428.2 城市部件（井盖、路灯……）及权属、养护单位。', grade: 'general', sensitivity: 1, share: 'unconditional', open: 'unconditional',
    source: 'components', tags: ['部件', '市政设施'], theme: 'city-management',
    fields: [general('code', '部件编码', 'code'), general('class_code', '部件小类', 'code'), general('name', '名称'), general('state', '状态', 'code'), general('owner_unit', '权属单位'), general('grid_code', '所属网格', 'code'), general('lon', '经度', 'number'), general('lat', '纬度', 'number')].map((f) => ({ ...f, open: 'unconditional' as const })),
  },
  {
    code: 'cases', kind: 'table', title: '案件信息', titleEn: 'Cases (appeals and events)', owner: 'ZW', updateCycle: 'realtime',
    description: '12345 热线、网格上报、物联感知等渠道的全部案件（指挥中心汇集）。', grade: 'important', sensitivity: 3, share: 'conditional', open: 'none',
    source: 'cases', tags: ['案件', '12345'], theme: 'governance',
    fields: [
      general('code', '案件编号', 'code'), general('channel', '来源渠道', 'code'), general('category', '类别', 'code'), general('state', '状态', 'code'),
      general('text', '诉求内容'), general('grid_code', '所属网格', 'code'), general('main_department', '主办部门', 'code'), general('created_at', '受理时间', 'datetime'),
      pii('reporter_name', '诉求人姓名', 'contact'), pii('reporter_phone', '诉求人电话', 'phone'),
    ],
  },
  {
    code: 'devices', kind: 'table', title: '物联感知设备', titleEn: 'IoT devices', owner: 'SW', updateCycle: 'realtime',
    description: '城市大脑接入的感知设备及其最新状态。', grade: 'general', sensitivity: 2, share: 'unconditional', open: 'none',
    source: 'devices', tags: ['物联网', '城市大脑'], theme: 'iot',
    fields: [general('id', '设备编号', 'code'), general('name', '名称'), general('type', '类型', 'code'), general('grid_code', '所属网格', 'code'), general('owner_department', '权属部门', 'code'), general('last_seen', '最近上报', 'datetime'), general('lon', '经度', 'number'), general('lat', '纬度', 'number')],
  },
  {
    code: 'grids', kind: 'table', title: '网格划分', titleEn: 'Grid map', owner: 'ZRZY', updateCycle: 'irregular',
    description: '市、区、街道、社区、网格五级划分及网格边界。', grade: 'general', sensitivity: 1, share: 'unconditional', open: 'unconditional',
    source: 'grids', tags: ['网格', '地图'], theme: 'geo',
    fields: [general('code', '区划编码', 'code'), general('name', '名称'), general('level', '层级', 'code'), general('parent_code', '上级编码', 'code')].map((f) => ({ ...f, open: 'unconditional' as const })),
  },
  // ---- open datasets: anonymised, aggregated views of the tables above
  {
    code: 'cases-monthly', kind: 'open', title: '案件月度统计（按网格和类别）', titleEn: 'Cases per grid, category and month', owner: 'ZW', updateCycle: 'monthly',
    description: '每个网格、类别、月份的案件数量。不含任何个人信息；少于 5 件的格子不予发布（k ≥ 5）。', grade: 'general', sensitivity: 1, share: 'unconditional', open: 'unconditional',
    builder: 'cases-monthly', tags: ['案件', '统计'], theme: 'governance',
    fields: [general('grid_code', '网格', 'code'), general('category', '类别', 'code'), general('month', '月份'), general('cases', '案件数', 'number')],
  },
  {
    code: 'population-by-community', kind: 'open', title: '社区人口统计', titleEn: 'Population per community', owner: 'MZ', updateCycle: 'monthly',
    description: '各社区按人口类别的人数。不含任何个人信息；少于 5 人的格子不予发布（k ≥ 5）。', grade: 'general', sensitivity: 1, share: 'unconditional', open: 'unconditional',
    builder: 'population-by-community', tags: ['人口', '统计'], theme: 'population',
    fields: [general('community_code', '社区', 'code'), general('community_name', '社区名称'), general('kind', '人口类别', 'code'), general('people', '人数', 'number')],
  },
  {
    code: 'city-components', kind: 'open', title: '城市部件分布', titleEn: 'City components (GeoJSON)', owner: 'SZ', updateCycle: 'weekly',
    description: '城市部件的位置、类别和状态。', grade: 'general', sensitivity: 1, share: 'unconditional', open: 'unconditional',
    builder: 'components', tags: ['部件', '地图'], theme: 'city-management',
    fields: [general('code', '部件编码', 'code'), general('class_code', '部件小类', 'code'), general('name', '名称'), general('state', '状态', 'code'), general('grid_code', '网格', 'code'), general('lon', '经度', 'number'), general('lat', '纬度', 'number')],
  },
  {
    code: 'grid-map', kind: 'open', title: '网格边界', titleEn: 'Grid boundaries (GeoJSON)', owner: 'ZRZY', updateCycle: 'irregular',
    description: '全市网格的边界和所属社区。', grade: 'general', sensitivity: 1, share: 'unconditional', open: 'unconditional',
    builder: 'grids', tags: ['网格', '地图'], theme: 'geo',
    fields: [general('code', '网格编码', 'code'), general('name', '名称'), general('parent_code', '所属社区', 'code')],
  },
  {
    code: 'sensor-hourly', kind: 'open', title: '感知数据小时汇总', titleEn: 'Sensor readings, hourly rollups', owner: 'SW', updateCycle: 'daily',
    description: '物联感知设备每小时的读数汇总（次数、均值、最小、最大）。', grade: 'general', sensitivity: 1, share: 'unconditional', open: 'unconditional',
    builder: 'readings-hourly', tags: ['物联网', '监测'], theme: 'iot',
    fields: [general('device_id', '设备', 'code'), general('device_type', '设备类型', 'code'), general('metric', '指标', 'code'), general('hour', '小时', 'datetime'), general('n', '读数次数', 'number'), general('avg', '均值', 'number'), general('min', '最小', 'number'), general('max', '最大', 'number')],
  },
];
