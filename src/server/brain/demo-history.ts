import type { Actor } from '../access/permissions.ts';
import type { Brain } from './brain.ts';
import { deviceTypes } from './devices/types.ts';
import { seededRandom } from '../random.ts';

/** How far back the demo's telemetry goes, and how often each simulated sensor reported in it. */
const HOURS = 6;
const STEP_MS = 20 * 60_000;

/**
 * Where the demo's healthy readings differ from the type's `normal` range: the night noise rule (55 dB from 22:00)
 * would otherwise fire for every street sensor whenever the first boot happens at night.
 */
const quieter: Record<string, Record<string, [number, number]>> = { noise: { db: [38, 48] } };

/**
 * What went wrong in the demo city's last hours, one device of each type (the n-th of that type in the fleet),
 * as reading values over the last `fromMin`…`toMin` minutes: the default rules (devices/types.ts) raise their
 * alarms from these readings, and where a rule names a case category the alarm opens a case (智慧预警 → 工单).
 */
const incidents: { type: string; nth: number; values: Record<string, number>; fromMin: number; toMin: number }[] = [
  { type: 'manhole_cover', nth: 0, values: { tilt: 35, open: 1 }, fromMin: 40, toMin: 0 }, // still tilted: critical, case 0502
  { type: 'water_level', nth: 1, values: { level: 0.45 }, fromMin: 60, toMin: 0 }, // road flooding: major, case 0705
  { type: 'smoke', nth: 0, values: { smoke: 25 }, fromMin: 20, toMin: 0 }, // smoke in a building: critical, case 0703
  { type: 'air_quality', nth: 0, values: { pm25: 220, pm10: 300 }, fromMin: 140, toMin: 0 }, // 2 h over 150: minor, no case
  { type: 'gas', nth: 0, values: { lel: 35 }, fromMin: 200, toMin: 150 }, // a leak that was fixed: raised, then cleared by its readings
  { type: 'manhole_cover', nth: 3, values: { tilt: 22, open: 0 }, fromMin: 100, toMin: 0 }, // acknowledged by the command centre below
];

/**
 * The demo's recent telemetry, through the real ingest pipeline (the HTTP telemetry path, rules, alarms and the
 * alarm → case worker), so the device charts, the online map, the alarm workbench and the command centre are
 * meaningful on first boot: every simulated sensor reported in the last hours, six incidents raised alarms, one
 * of them cleared itself and one was acknowledged. `npm start` only (the test template stays without readings).
 * The brain must be loaded (its pipeline running).
 */
export async function seedBrainHistory(brain: Brain, actor: Actor, now: Date): Promise<{ readings: number; alarms: number }> {
  const fleet = [];
  for (let page = 1; ; page++) {
    const r = await brain.devices.list(actor, {}, page, 200);
    fleet.push(...r.items);
    if (fleet.length >= r.total || !r.items.length) break;
  }
  const simulated = fleet.filter((d) => d.id.startsWith('demo-') && d.id !== 'demo-water-level-001' && deviceTypes[d.type]);
  const nthOfType = new Map<string, number>();
  const rnd = seededRandom(20261203);
  const acknowledged = incidents.at(-1)!; // the command centre has already taken this one on
  let acknowledgedDevice: string | undefined;
  const batches: Promise<unknown>[] = [];
  let readings = 0;
  for (const d of simulated) {
    const nth = nthOfType.get(d.type) ?? 0;
    nthOfType.set(d.type, nth + 1);
    const incident = incidents.find((i) => i.type === d.type && i.nth === nth);
    if (incident === acknowledged) acknowledgedDevice = d.id;
    const normal = { ...deviceTypes[d.type]!.normal, ...quieter[d.type] };
    const batch = [];
    for (let ts = now.getTime() - HOURS * 3_600_000; ts <= now.getTime(); ts += STEP_MS) {
      const ago = (now.getTime() - ts) / 60_000;
      const values: Record<string, number> =
        incident && ago <= incident.fromMin && ago >= incident.toMin
          ? { ...incident.values }
          : Object.fromEntries(Object.entries(normal).map(([metric, [lo, hi]]) => [metric, Math.round((lo + rnd() * (hi - lo)) * 1000) / 1000]));
      if (ts === now.getTime() || rnd() < 0.1) values.battery = Math.round(55 + rnd() * 45);
      batch.push({ ts: new Date(ts).toISOString(), values });
    }
    // all devices at once: the pipeline writes them in a few batches of thousands, not one commit per device
    batches.push(brain.ingestHttp(d.id, { readings: batch }));
    readings += batch.length;
  }
  await Promise.all(batches);
  await brain.pipeline.flush();
  await brain.alarms.idle();
  const open = await brain.alarms.list(actor, { status: ['active'] }, 1, 50);
  const toAck = open.items.find((a) => a.device_id === acknowledgedDevice);
  if (toAck) await brain.alarms.acknowledge(actor, toAck.id, '已通知市政井盖养护单位到场处置');
  const all = await brain.alarms.list(actor, {}, 1, 1);
  return { readings, alarms: all.total };
}
