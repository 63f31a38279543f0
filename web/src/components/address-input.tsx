import { AutoComplete } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api, type Page } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';
import { distinctHouses, houseLabel } from '../lib/address-label.ts';

interface HouseHit {
  id: string;
  address: string;
  building: string;
  unit: string;
  room: string;
  gridCode: string;
  lon: number | null;
  lat: number | null;
}

export interface AddressChoice {
  address: string;
  lon: number | null;
  lat: number | null;
}

/** Address with autocomplete against the base data's houses (GET /api/v1/houses?q=), debounced. */
export function AddressInput({ id, value, onChange, onChoose }: { id?: string; value?: string; onChange?: (v: string) => void; onChoose: (c: AddressChoice) => void }) {
  const { t } = useLocale();
  const [hits, setHits] = useState<HouseHit[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const search = (q: string) => {
    if (timer.current) clearTimeout(timer.current);
    if (q.trim().length < 2) return setHits([]);
    timer.current = setTimeout(() => {
      api
        .get<Page<HouseHit>>('/api/v1/houses', { q: q.trim(), pageSize: 8 })
        .then((res) => setHits(distinctHouses(res.items)))
        .catch(() => setHits([]));
    }, 250);
  };

  const label = houseLabel;

  return (
    <AutoComplete
      id={id}
      value={value}
      options={hits.map((h) => ({ value: h.id, label: label(h) }))}
      onSearch={search}
      onChange={(v) => onChange?.(hits.some((h) => h.id === v) ? label(hits.find((h) => h.id === v)!) : v)}
      onSelect={(houseId: string) => {
        const h = hits.find((x) => x.id === houseId);
        if (!h) return;
        onChange?.(label(h));
        onChoose({ address: label(h), lon: h.lon, lat: h.lat });
      }}
      placeholder={t('intake.address_placeholder')}
      maxLength={300}
    />
  );
}
