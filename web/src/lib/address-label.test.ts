import { describe, expect, it } from 'vitest';
import { distinctHouses, houseLabel } from './address-label.ts';

describe('address suggestions', () => {
  it('spell out the flat the address leaves out, once', () => {
    expect(houseLabel({ address: '东城区幸福路1号阳光花园', building: '1栋', unit: '1单元', room: '101室' })).toBe('东城区幸福路1号阳光花园 1栋1单元101室');
    expect(houseLabel({ address: '东城区幸福路1号阳光花园1栋1单元101室', building: '1栋', unit: '1单元', room: '101室' })).toBe('东城区幸福路1号阳光花园1栋1单元101室');
    expect(houseLabel({ address: '东城区幸福路1号阳光花园1栋', building: '1栋', unit: '', room: '102室' })).toBe('东城区幸福路1号阳光花园1栋 102室');
  });

  it('list each flat once', () => {
    const a = { id: 'a', address: '幸福路1号', building: '1栋', unit: '', room: '101' };
    const b = { ...a, id: 'b' };
    const c = { ...a, id: 'c', room: '102' };
    expect(distinctHouses([a, b, c]).map((h) => h.id)).toEqual(['a', 'c']);
  });
});
