import type { Db } from '../db/database.ts';
import { h3Cell } from '../geo/geometry.ts';
import { seededRandom } from '../random.ts';
import { createAlarmStore } from './alarms/store.ts';
import { secretDigest } from '../privacy/pii.ts';
import { generateSecret, hashDeviceSecret } from './devices/credentials.ts';
import { createDeviceStore, type DeviceTable, type GridCentre } from './devices/store.ts';
import { defaultRules, deviceTypes } from './devices/types.ts';

/** PRODUCT.md's demo device: MQTT username = its id, password below; level > 0.3 raises an alarm → case 0705. */
export const DEMO_DEVICE = { id: 'demo-water-level-001', password: 'demo-device-pass', name: '东城区积水点水位计 1 号' };

/** Who owns and maintains each kind of sensor (权属单位), from the default department list. */
export const ownerOfType: Record<string, string> = {
  water_level: 'SW', manhole_cover: 'SZ', air_quality: 'STHJ', noise: 'STHJ', smoke: 'XF', gas: 'RQ', structure_tilt: 'ZJ',
};

/** How the simulated fleet is mixed: manhole covers and water gauges are the most common city sensors. */
const fleetMix = ['manhole_cover', 'manhole_cover', 'water_level', 'water_level', 'air_quality', 'noise', 'smoke', 'gas', 'structure_tilt'];
export const DEMO_FLEET_SIZE = 360;

/** The default alarm rules (智慧预警), for demo and production alike. */
export async function seedBrainRules(tx: Db, at: Date): Promise<void> {
  const alarms = createAlarmStore();
  for (const r of defaultRules) await alarms.insertRule(tx, r, at);
}

/**
 * Demo fleet: the contract's water level sensor plus a few hundred simulated sensors of every type, each at a
 * grid's label point (inside the grid by construction), in one insert. Runs inside the demo seed transaction.
 */
export async function seedBrainDemo(tx: Db, at: Date): Promise<void> {
  await seedBrainRules(tx, at);
  const devices = createDeviceStore();
  const grids = await devices.gridCentres(tx);
  if (!grids.length) return;
  const rnd = seededRandom(20261123);
  const row = (id: string, name: string, type: string, g: GridCentre, password_hash: string): DeviceTable => ({
    id, name, type, lon: g.lon, lat: g.lat, grid_code: g.code, area_path: g.path, h3: h3Cell(g.lon, g.lat), owner_department: ownerOfType[type] ?? null,
    component_id: null, protocol: 'mqtt', password_hash, token_hash: secretDigest(generateSecret()), credentials_rotated_at: at, enabled: true,
    last_seen: null, latest: '{}', battery: null, signal: null, accepted_count: 0, rejected_count: 0, created_at: at, updated_at: at,
  });
  const rows: DeviceTable[] = [row(DEMO_DEVICE.id, DEMO_DEVICE.name, 'water_level', grids[0]!, await hashDeviceSecret(DEMO_DEVICE.password, false))];
  // Simulated devices get secrets nobody knows: the simulator publishes for them through its gateway login.
  const unknown = `sha256$${secretDigest(generateSecret())}`;
  for (let i = 1; i <= DEMO_FLEET_SIZE; i++) {
    const type = fleetMix[i % fleetMix.length]!;
    const g = grids[Math.floor(rnd() * grids.length)]!;
    rows.push(row(`demo-${type.replace(/_/g, '-')}-${String(i).padStart(3, '0')}`, `${g.code.slice(-6)} 网格${deviceTypes[type]?.zh ?? type} ${i} 号`, type, g, unknown));
  }
  await devices.insertMany(tx, rows);
}
