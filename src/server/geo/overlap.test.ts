import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { geometriesOverlap, ringIsSimple } from './overlap.ts';

const poly = (...pts: [number, number][]): Polygon => ({ type: 'Polygon', coordinates: [[...pts, pts[0]!]] });
const square = (x: number, y: number, size = 1) => poly([x, y], [x + size, y], [x + size, y + size], [x, y + size]);

describe('polygon overlap', () => {
  it('neighbours that share an edge or a corner do not overlap', () => {
    expect(geometriesOverlap(square(0, 0), square(1, 0))).toBe(false);
    expect(geometriesOverlap(square(0, 0), square(1, 1))).toBe(false);
    // a T-junction: the right square's edge is longer than the shared part
    expect(geometriesOverlap(square(0, 0), square(1, -0.5, 2))).toBe(false);
    expect(geometriesOverlap(square(0, 0), square(3, 3))).toBe(false);
  });

  it('crossing, containment and identical shapes overlap', () => {
    expect(geometriesOverlap(square(0, 0), square(0.5, 0.5))).toBe(true);
    expect(geometriesOverlap(square(0, 0, 4), square(1, 1))).toBe(true);
    expect(geometriesOverlap(square(1, 1), square(0, 0, 4))).toBe(true);
    expect(geometriesOverlap(square(0, 0), square(0, 0))).toBe(true);
    // a cross: no vertex of either lies inside the other
    expect(geometriesOverlap(poly([0, 1], [3, 1], [3, 2], [0, 2]), poly([1, 0], [2, 0], [2, 3], [1, 3]))).toBe(true);
  });

  it('an edge running exactly through the other polygon\'s vertices counts as overlap', () => {
    const diamond = poly([0, -1], [1, 0], [0, 1], [-1, 0]);
    const strip = poly([-2, -0.1], [2, -0.1], [2, 0], [-2, 0]);
    expect(geometriesOverlap(diamond, strip)).toBe(true);
    const stripAbove = poly([-2, 1], [2, 1], [2, 2], [-2, 2]);
    expect(geometriesOverlap(diamond, stripAbove)).toBe(false);
  });

  it('a grid inside another grid\'s hole does not overlap it', () => {
    const donut: Polygon = { type: 'Polygon', coordinates: [square(0, 0, 4).coordinates[0]!, square(1, 1, 2).coordinates[0]!.slice().reverse()] };
    expect(geometriesOverlap(donut, square(1, 1, 2))).toBe(false);
    expect(geometriesOverlap(donut, square(0.5, 0.5, 2))).toBe(true);
  });

  it('tells simple rings from bow-ties', () => {
    expect(ringIsSimple(square(0, 0).coordinates[0]!)).toBe(true);
    expect(ringIsSimple(poly([0, 0], [1, 1], [1, 0], [0, 1]).coordinates[0]!)).toBe(false);
  });
});
