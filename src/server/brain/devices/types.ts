import type { NewRule } from '../rules/engine.ts';

/** One measured quantity of a device type, with the physically possible range: readings outside are rejected. */
export interface MetricSpec {
  unit: string;
  min: number;
  max: number;
}

export interface DeviceType {
  code: string;
  zh: string;
  en: string;
  metrics: Record<string, MetricSpec>;
  /** what a healthy device of this type reports, for the simulator */
  normal: Record<string, [number, number]>;
  /** seconds between reports; a device silent for 3 intervals counts as offline */
  intervalS: number;
}

/** Every device may also report its battery and radio signal; they update the device row, not the rules. */
export const commonMetrics: Record<string, MetricSpec> = {
  battery: { unit: '%', min: 0, max: 100 },
  rssi: { unit: 'dBm', min: -150, max: 0 },
};

/** 感知设备类型: the sensors a city brain watches (实时监控). */
export const deviceTypes: Record<string, DeviceType> = {
  water_level: {
    code: 'water_level', zh: '积水水位监测', en: 'Road water level', intervalS: 60,
    metrics: { level: { unit: 'm', min: -1, max: 20 } },
    normal: { level: [0, 0.08] },
  },
  manhole_cover: {
    code: 'manhole_cover', zh: '智能井盖', en: 'Manhole cover', intervalS: 300,
    metrics: { tilt: { unit: '°', min: 0, max: 180 }, open: { unit: '', min: 0, max: 1 } },
    normal: { tilt: [0, 2], open: [0, 0] },
  },
  air_quality: {
    code: 'air_quality', zh: '空气质量监测', en: 'Air quality', intervalS: 60,
    metrics: { pm25: { unit: 'µg/m³', min: 0, max: 1000 }, pm10: { unit: 'µg/m³', min: 0, max: 2000 } },
    normal: { pm25: [10, 60], pm10: [20, 90] },
  },
  noise: {
    code: 'noise', zh: '噪声监测', en: 'Noise', intervalS: 60,
    metrics: { db: { unit: 'dB(A)', min: 20, max: 140 } },
    normal: { db: [40, 62] },
  },
  smoke: {
    code: 'smoke', zh: '烟感', en: 'Smoke detector', intervalS: 300,
    metrics: { smoke: { unit: '%obs/m', min: 0, max: 100 } },
    normal: { smoke: [0, 0.5] },
  },
  gas: {
    code: 'gas', zh: '燃气泄漏监测', en: 'Gas leak', intervalS: 60,
    metrics: { lel: { unit: '%LEL', min: 0, max: 100 } },
    normal: { lel: [0, 3] },
  },
  structure_tilt: {
    code: 'structure_tilt', zh: '建筑倾斜监测', en: 'Structural tilt', intervalS: 300,
    metrics: { tilt: { unit: '°', min: 0, max: 90 } },
    // a sound building barely moves: the simulator's noise must stay far below the 0.5°/min rate rule
    normal: { tilt: [0.3, 0.302] },
  },
};

export const deviceTypeCodes = Object.keys(deviceTypes) as [string, ...string[]];

/** The spec of a metric for a device type (own metrics first, then battery/rssi), or undefined if unknown. */
export function metricSpec(type: string, metric: string): MetricSpec | undefined {
  return deviceTypes[type]?.metrics[metric] ?? commonMetrics[metric];
}

/**
 * Default rules a fresh city starts with (智慧预警). The water level rule is in PRODUCT.md's contract: a
 * reading above 0.3 m raises an alarm that opens a case in 0705 道路积水内涝; it clears below 0.2 m so a level
 * bobbing around the threshold does not raise and clear every minute.
 */
export const defaultRules: NewRule[] = [
  {
    name: '道路积水超警戒', deviceType: 'water_level', alarmType: 'water_level_high', severity: 'major',
    condition: { kind: 'threshold', metric: 'level', op: '>', value: 0.3, clearValue: 0.2 },
    caseCategory: '0705', escalateAfterMin: 30,
  },
  {
    name: '井盖倾斜或开启', deviceType: 'manhole_cover', alarmType: 'manhole_tilt', severity: 'critical',
    condition: { kind: 'any', conditions: [{ kind: 'threshold', metric: 'tilt', op: '>', value: 15, clearValue: 5 }, { kind: 'threshold', metric: 'open', op: '>=', value: 1 }] },
    caseCategory: '0502', escalateAfterMin: 15,
  },
  {
    name: '烟雾报警', deviceType: 'smoke', alarmType: 'smoke_detected', severity: 'critical',
    condition: { kind: 'threshold', metric: 'smoke', op: '>', value: 10, clearValue: 2 },
    caseCategory: '0703', escalateAfterMin: 10,
  },
  {
    name: '燃气浓度超限', deviceType: 'gas', alarmType: 'gas_leak', severity: 'critical',
    condition: { kind: 'threshold', metric: 'lel', op: '>', value: 20, clearValue: 10 },
    caseCategory: '0702', escalateAfterMin: 5,
  },
  {
    name: '建筑倾斜速率异常', deviceType: 'structure_tilt', alarmType: 'structure_tilt_rate', severity: 'major',
    condition: { kind: 'rate', metric: 'tilt', perMinute: 0.5, direction: 'up' },
    caseCategory: '0706',
  },
  {
    name: '夜间噪声持续超标', deviceType: 'noise', alarmType: 'noise_night', severity: 'minor',
    condition: { kind: 'threshold', metric: 'db', op: '>', value: 55, clearValue: 50 },
    durationS: 600, schedule: { from: '22:00', to: '06:00' }, caseCategory: '0301',
  },
  {
    name: 'PM2.5 持续重度污染', deviceType: 'air_quality', alarmType: 'air_pm25_high', severity: 'minor',
    condition: { kind: 'threshold', metric: 'pm25', op: '>', value: 150, clearValue: 115 },
    durationS: 1800,
  },
  {
    name: '积水监测设备离线', deviceType: 'water_level', alarmType: 'device_offline', severity: 'warning',
    condition: { kind: 'nodata', minutes: 30 },
  },
];
