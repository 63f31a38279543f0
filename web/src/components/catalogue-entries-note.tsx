import { Alert, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { TaxonomyResponse } from '../../../shared/taxonomy.ts';
import { ApiError, api } from '../api/client.ts';
import { useAreaNames } from '../api/areas.ts';
import { useLocale } from '../i18n/locale.tsx';

/** One 权责清单 row naming a unit, as the 409 `department.in_catalogue` lists it. */
export interface CatalogueEntryNaming {
  id: string;
  category: string;
  areaCode: string | null;
  role: 'main' | 'co';
}

/** The entries of a `department.in_catalogue` problem, or null for any other error. */
export function catalogueEntriesOf(err: unknown): CatalogueEntryNaming[] | null {
  if (!(err instanceof ApiError) || err.code !== 'department.in_catalogue') return null;
  const entries = err.body?.entries;
  return Array.isArray(entries) ? (entries as CatalogueEntryNaming[]) : [];
}

/**
 * 停用单位 refused: which catalogue rows still name the unit (category and area by name, main or 协办), so the
 * admin knows what to re-point in the catalogue before trying again.
 */
export function CatalogueEntriesNote({ entries }: { entries: CatalogueEntryNaming[] }) {
  const { t, locale } = useLocale();
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const areas = useAreaNames(entries.map((e) => e.areaCode));
  useEffect(() => {
    api
      .get<TaxonomyResponse>('/api/v1/taxonomy')
      .then((r) => setNames(new Map(r.categories.map((c) => [c.code, locale === 'en-US' ? c.en : c.zh]))))
      .catch(() => undefined);
  }, [locale]);
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      message={t('org.department.in_catalogue_title')}
      description={
        <>
          <Typography.Paragraph style={{ marginBottom: 4 }}>{t('org.department.in_catalogue_hint', { count: entries.length })}</Typography.Paragraph>
          <ul style={{ margin: 0, paddingInlineStart: 20, maxHeight: 200, overflow: 'auto' }}>
            {entries.map((e) => (
              <li key={`${e.id}-${e.role}`}>
                {e.category} {names.get(e.category) ?? ''} · {e.areaCode ? (areas.get(e.areaCode)?.name ?? e.areaCode) : t('org.city_wide')} · {t(e.role === 'main' ? 'org.department.role_main' : 'org.department.role_co')}
              </li>
            ))}
          </ul>
        </>
      }
    />
  );
}
