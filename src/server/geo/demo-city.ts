import { seededRandom } from '../random.ts';
import type { Polygon, Position } from 'geojson';
import type { AreaLevel } from '../org/store.ts';
import { bboxOf, labelPoint, pointInRings } from './geometry.ts';

/**
 * 示范市 demo city generator. The city is a jittered lattice: every grid is one lattice cell whose corners and
 * edge midpoints are shifted by a seeded random amount. Neighbouring cells take their shared vertices from the
 * same function of the lattice indices, so they meet exactly — no gaps, no overlaps — and a district, street
 * or community polygon is simply the outline of its block of cells.
 *
 * Layout: districts are vertical bands; each district is cut into streets (horizontal bands), each street into
 * communities (vertical strips), each community into `gridCols × gridRows` grids.
 */
export interface DemoCityOptions {
  city: { code: string; name: string };
  districts: readonly { code: string; name: string }[];
  /** [west, south, east, north] of the lattice before jitter */
  bbox?: [number, number, number, number];
  streetsPerDistrict?: number;
  communitiesPerStreet?: number;
  /** grid columns per community (across) and rows per street (down) */
  gridCols?: number;
  gridRows?: number;
  seed?: number;
  /** also draw the specialist layers (城管网格, 环卫作业网格) */
  layers?: boolean;
}

export interface DemoArea {
  code: string;
  name: string;
  level: AreaLevel;
  path: string;
  parent_code: string | null;
  geometry: Polygon;
}

export interface DemoLayerPolygon {
  layer: string;
  code: string;
  name: string;
  areaCode: string;
  geometry: Polygon;
}

export interface DemoLayer {
  code: string;
  name: string;
  description: string;
}

export interface DemoCityMap {
  areas: DemoArea[];
  layers: DemoLayer[];
  layerPolygons: DemoLayerPolygon[];
}

/**
 * ~30 km × 20 km on the plain between Suzhou and Jiaxing (southern Jiangsu): flat, water-town country where a
 * fictional prefecture-level city is believable. Province code 99 keeps it from being mistaken for a real one.
 */
export const DEMO_CITY_BBOX: [number, number, number, number] = [120.45, 30.95, 120.7644, 31.1302];

const streetStems = [
  '东湖', '文昌', '新华', '城南', '北苑', '朝阳', '长安', '凤凰', '清河', '望江', '龙泉', '桃源', '金桥', '梅园', '华阳', '和平',
  '建设', '永安', '光明', '胜利', '运河', '古城', '湖滨', '江南', '松陵', '平望', '盛泽', '横扇', '七都', '震泽', '桃花', '银杏',
];
const nameFirst = ['锦', '翠', '春', '金', '银', '玉', '丽', '景', '瑞', '和', '安', '康', '华', '新', '兴', '嘉', '盛', '宏', '荣', '泰', '福', '阳', '明', '秀'];
const nameSecond = ['苑', '园', '庭', '湾', '城', '里', '坊', '村', '港', '桥', '府', '湖', '溪', '林', '峰', '山', '塘', '浜', '荡', '泾'];

function shuffled<T>(items: readonly T[], rnd: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Unique names from a stem list, numbered once the list runs out (only huge benchmark cities get there). */
function namePool(stems: readonly string[], rnd: () => number): (i: number) => string {
  const order = shuffled(stems, rnd);
  return (i) => (i < order.length ? order[i]! : `${order[i % order.length]!}${Math.floor(i / order.length) + 1}`);
}

const pad3 = (n: number) => String(n).padStart(3, '0');
const round7 = (x: number) => Math.round(x * 1e7) / 1e7;

export function generateDemoCity(opts: DemoCityOptions): DemoCityMap {
  const S = opts.streetsPerDistrict ?? 4;
  const C = opts.communitiesPerStreet ?? 5;
  const gc = opts.gridCols ?? 2;
  const gr = opts.gridRows ?? 5;
  const D = opts.districts.length;
  if (S > 999 || C > 999 || gc * gr > 999) throw new Error('codes allow at most 999 children per level');
  const cols = D * C * gc;
  const rows = S * gr;
  const [w, s, e, n] = opts.bbox ?? DEMO_CITY_BBOX;
  const dx = (e - w) / cols;
  const dy = (n - s) / rows;
  const rnd = seededRandom(opts.seed ?? 20261123);

  // Jitter, as fractions of a cell, drawn once per lattice vertex / edge so neighbours read the same values.
  // Corners move at most 0.22 of a cell and midpoints 0.15 across their edge: every cell stays a simple polygon.
  const jitter = (count: number, amp: number) => Float64Array.from({ length: count }, () => (rnd() * 2 - 1) * amp);
  const cornerX = jitter((cols + 1) * (rows + 1), 0.22);
  const cornerY = jitter((cols + 1) * (rows + 1), 0.22);
  const hmidX = jitter(cols * (rows + 1), 0.1);
  const hmidY = jitter(cols * (rows + 1), 0.15);
  const vmidX = jitter((cols + 1) * rows, 0.15);
  const vmidY = jitter((cols + 1) * rows, 0.1);

  const at = (fx: number, fy: number): Position => [round7(w + fx * dx), round7(s + fy * dy)];
  const corner = (i: number, j: number) => at(i + cornerX[j * (cols + 1) + i]!, j + cornerY[j * (cols + 1) + i]!);
  /** midpoint of the horizontal edge from corner (i, j) to (i + 1, j) */
  const hmid = (i: number, j: number) => at(i + 0.5 + hmidX[j * cols + i]!, j + hmidY[j * cols + i]!);
  /** midpoint of the vertical edge from corner (i, j) to (i, j + 1) */
  const vmid = (i: number, j: number) => at(i + vmidX[j * (cols + 1) + i]!, j + 0.5 + vmidY[j * (cols + 1) + i]!);

  /** Counter-clockwise outline (RFC 7946) of the block of cells [c0, c1) × [r0, r1). */
  function block(c0: number, r0: number, c1: number, r1: number): Polygon {
    const ring: Position[] = [];
    for (let i = c0; i < c1; i++) ring.push(corner(i, r0), hmid(i, r0));
    for (let j = r0; j < r1; j++) ring.push(corner(c1, j), vmid(c1, j));
    for (let i = c1; i > c0; i--) ring.push(corner(i, r1), hmid(i - 1, r1));
    for (let j = r1; j > r0; j--) ring.push(corner(c0, j), vmid(c0, j - 1));
    ring.push(ring[0]!);
    return { type: 'Polygon', coordinates: [ring] };
  }

  const streetName = namePool(streetStems, rnd);
  const communityStems = nameFirst.flatMap((a) => nameSecond.map((b) => a + b));
  const communityName = namePool(communityStems, rnd);
  const areas: DemoArea[] = [{ code: opts.city.code, name: opts.city.name, level: 'city', path: opts.city.code, parent_code: null, geometry: block(0, 0, cols, rows) }];
  let streetNo = 0;
  let communityNo = 0;
  opts.districts.forEach((d, di) => {
    const dPath = `${opts.city.code}.${d.code}`;
    const dc0 = di * C * gc;
    areas.push({ code: d.code, name: d.name, level: 'district', path: dPath, parent_code: opts.city.code, geometry: block(dc0, 0, dc0 + C * gc, rows) });
    for (let si = 0; si < S; si++) {
      // streets numbered from the north, as people read a map
      const r0 = (S - 1 - si) * gr;
      const sCode = `${d.code}${pad3(si + 1)}`;
      const sPath = `${dPath}.${sCode}`;
      areas.push({ code: sCode, name: `${streetName(streetNo++)}街道`, level: 'street', path: sPath, parent_code: d.code, geometry: block(dc0, r0, dc0 + C * gc, r0 + gr) });
      for (let ci = 0; ci < C; ci++) {
        const c0 = dc0 + ci * gc;
        const cCode = `${sCode}${pad3(ci + 1)}`;
        const cPath = `${sPath}.${cCode}`;
        const cName = `${communityName(communityNo++)}社区`;
        areas.push({ code: cCode, name: cName, level: 'community', path: cPath, parent_code: sCode, geometry: block(c0, r0, c0 + gc, r0 + gr) });
        let g = 0;
        for (let j = r0 + gr - 1; j >= r0; j--) {
          for (let i = c0; i < c0 + gc; i++) {
            g++;
            const gCode = `${cCode}${pad3(g)}`;
            areas.push({ code: gCode, name: `${cName}第${g}网格`, level: 'grid', path: `${cPath}.${gCode}`, parent_code: cCode, geometry: block(i, j, i + 1, j + 1) });
          }
        }
      }
    }
  });

  const layers: DemoLayer[] = [];
  const layerPolygons: DemoLayerPolygon[] = [];
  if (opts.layers) {
    layers.push(
      { code: 'urban-mgmt', name: '城管网格', description: '城市管理执法与市容巡查的责任网格，每个街道划为两块' },
      { code: 'sanitation', name: '环卫作业网格', description: '道路清扫保洁与垃圾清运的作业片区，每个区划为南北两片' },
    );
    const half = Math.floor((C * gc) / 2);
    opts.districts.forEach((d, di) => {
      const dc0 = di * C * gc;
      for (let si = 0; si < S; si++) {
        const r0 = (S - 1 - si) * gr;
        const sCode = `${d.code}${pad3(si + 1)}`;
        const street = areas.find((a) => a.code === sCode)!;
        layerPolygons.push(
          { layer: 'urban-mgmt', code: `CG-${sCode}-1`, name: `${street.name}城管一网格`, areaCode: sCode, geometry: block(dc0, r0, dc0 + half, r0 + gr) },
          { layer: 'urban-mgmt', code: `CG-${sCode}-2`, name: `${street.name}城管二网格`, areaCode: sCode, geometry: block(dc0 + half, r0, dc0 + C * gc, r0 + gr) },
        );
      }
      const midRow = Math.floor(S / 2) * gr;
      layerPolygons.push(
        { layer: 'sanitation', code: `HW-${d.code}-S`, name: `${d.name}南片环卫作业区`, areaCode: d.code, geometry: block(dc0, 0, dc0 + C * gc, midRow) },
        { layer: 'sanitation', code: `HW-${d.code}-N`, name: `${d.name}北片环卫作业区`, areaCode: d.code, geometry: block(dc0, midRow, dc0 + C * gc, rows) },
      );
    });
  }
  return { areas, layers, layerPolygons };
}

/** A random point strictly inside a polygon, for seeding people, houses and components into a grid. */
export function randomPointIn(geometry: Polygon, rnd: () => number): [number, number] {
  const [w, s, e, n] = bboxOf(geometry);
  // Rejection sampling: lattice cells fill most of their bbox, so this takes one or two draws.
  for (let tries = 0; tries < 100; tries++) {
    const p: [number, number] = [round7(w + (e - w) * rnd()), round7(s + (n - s) * rnd())];
    if (pointInRings(p, geometry.coordinates) === 'inside') return p;
  }
  return labelPoint(geometry);
}
