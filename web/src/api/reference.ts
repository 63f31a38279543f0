import { useEffect, useState } from 'react';
import { api } from './client.ts';
import type { CityInfo, Department, Taxonomy, TaxonomyCategory } from './types.ts';

/**
 * Reference data every screen shows names from (categories, departments), fetched once per session and
 * shared; they change only when an admin edits the taxonomy.
 */
const cache = new Map<string, Promise<unknown>>();

function once<T>(key: string, load: () => Promise<T>): Promise<T> {
  let p = cache.get(key) as Promise<T> | undefined;
  if (!p) {
    p = load();
    // A failed load (signed out, network) must not stick for the whole session.
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

/** After an admin changes reference data (a new department), the next screen that asks loads it afresh. */
export function forgetReference(key: 'taxonomy' | 'departments'): void {
  cache.delete(key);
}

function useOnce<T>(key: string, load: () => Promise<T>, empty: T): T {
  const [value, setValue] = useState<T>(empty);
  useEffect(() => {
    let live = true;
    once(key, load)
      .then((v) => live && setValue(v))
      .catch(() => undefined);
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return value;
}

const emptyTaxonomy: Taxonomy = { categories: [], natures: [] };

export const useTaxonomy = () => useOnce('taxonomy', () => api.get<Taxonomy>('/api/v1/taxonomy'), emptyTaxonomy);
export const useDepartments = () => useOnce<Department[]>('departments', () => api.get<Department[]>('/api/v1/departments'), []);

export function categoryName(categories: readonly TaxonomyCategory[], code: string | null | undefined, locale: string): string {
  if (!code) return '—';
  const c = categories.find((x) => x.code === code);
  if (!c) return code;
  return `${code} ${locale === 'en-US' ? c.en : c.zh}`;
}

/** The units a form may choose (active ones), as every unit picker lists them: name（code）, so two of one name stay apart. */
export function unitOptions(departments: readonly Department[], locale: string): { value: string; label: string }[] {
  return departments.filter((d) => d.active).map((d) => ({ value: d.code, label: `${locale === 'en-US' && d.nameEn ? d.nameEn : d.name}（${d.code}）` }));
}

export function departmentName(departments: readonly Department[], code: string | null | undefined, locale: string): string {
  if (!code) return '—';
  const d = departments.find((x) => x.code === code);
  if (!d) return code;
  return locale === 'en-US' && d.nameEn ? d.nameEn : d.name;
}

export const useCity = () => useOnce<CityInfo | null>('city', () => api.get<CityInfo>('/api/v1/geo/city', undefined, { anonymous: true }), null);
