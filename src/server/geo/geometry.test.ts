import { gridDistance } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.ts';
import { h3Cell, h3CellsAround } from './geometry.ts';

describe('h3CellsAround', () => {
  it('covers every point of the ±radius square around a point, anywhere between 70°S and 70°N', () => {
    const random = seededRandom(9);
    for (const radiusM of [100, 300, 1000]) {
      for (let n = 0; n < 150; n++) {
        const lat = -70 + 140 * random();
        const lon = -180 + 360 * random();
        const cells = new Set(h3CellsAround(lon, lat, radiusM));
        const dLat = radiusM / 111_320;
        const dLon = radiusM / (111_320 * Math.cos((lat * Math.PI) / 180));
        for (let i = 0; i <= 12; i++) {
          for (let j = 0; j <= 12; j++) {
            const cell = h3Cell(lon - dLon + (2 * dLon * j) / 12, lat - dLat + (2 * dLat * i) / 12);
            if (!cells.has(cell)) throw new Error(`radius ${radiusM} m at ${lon},${lat}: cell ${cell} missing`);
          }
        }
      }
    }
  });

  it('stays small: the 300 m duplicate search looks at a few dozen cells, not a band across the city', () => {
    const cells = h3CellsAround(120.15, 30.25, 300);
    expect(cells.length).toBeLessThanOrEqual(37);
    const centre = h3Cell(120.15, 30.25);
    expect(Math.max(...cells.map((c) => gridDistance(centre, c)))).toBeLessThanOrEqual(3);
  });
});
