import { useEffect, useState } from 'react';
import { api } from './client.ts';

/** GET /api/v1/areas items (行政区划 and grids). */
export interface AreaItem {
  code: string;
  name: string;
  level: 'city' | 'district' | 'street' | 'community' | 'grid';
  path: string;
  parentCode: string | null;
}

/**
 * Area names by code, fetched once per session and shared: tables show 网格 and 区 names instead of raw
 * codes. A code the viewer may not read (out of scope) stays a code; callers gate on `org.read` first so a
 * role without it never asks (no 403 in the console).
 */
const byCode = new Map<string, Promise<AreaItem | null>>();

export function loadArea(code: string): Promise<AreaItem | null> {
  let p = byCode.get(code);
  if (!p) {
    p = api.get<AreaItem>(`/api/v1/areas/${code}`).catch(() => null);
    byCode.set(code, p);
  }
  return p;
}

/** The district (区) an area lies in, from its ltree path (city.district.…). */
export const districtOf = (a: AreaItem | null | undefined): string | null => a?.path.split('.')[1] ?? null;

/** Names for a set of area codes (and the district of each); re-renders as they arrive. */
export function useAreaNames(codes: readonly (string | null | undefined)[], enabled = true): Map<string, AreaItem> {
  const [names, setNames] = useState<Map<string, AreaItem>>(new Map());
  const key = [...new Set(codes.filter((c): c is string => !!c))].sort().join(',');
  useEffect(() => {
    if (!enabled || !key) return;
    let live = true;
    const wanted = key.split(',');
    void (async () => {
      const found = await Promise.all(wanted.map(loadArea));
      const districts = [...new Set(found.map(districtOf).filter((d): d is string => !!d))];
      const parents = await Promise.all(districts.map(loadArea));
      if (!live) return;
      setNames((m) => {
        const next = new Map(m);
        for (const a of [...found, ...parents]) if (a) next.set(a.code, a);
        return next;
      });
    })();
    return () => {
      live = false;
    };
  }, [key, enabled]);
  return names;
}
