import { Alert, Button, Descriptions, Drawer, List, Skeleton, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { componentDetail, creditEvent, houseDetail, organisationDetail, personDetail, placeTrail } from '../../../shared/registry/schema.ts';
import { api, type Page } from '../api/client.ts';
import { isMessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';

export type RegistryKind = 'people' | 'houses' | 'organisations' | 'components';
export interface DetailTarget {
  kind: RegistryKind;
  id: string;
}

type PersonDetail = z.infer<typeof personDetail>;
type HouseDetail = z.infer<typeof houseDetail>;
type OrganisationDetail = z.infer<typeof organisationDetail>;
type ComponentDetail = z.infer<typeof componentDetail>;
type Loaded =
  | { kind: 'people'; d: PersonDetail }
  | { kind: 'houses'; d: HouseDetail }
  | { kind: 'organisations'; d: OrganisationDetail; credit: z.infer<typeof creditEvent>[] }
  | { kind: 'components'; d: ComponentDetail };

/** A clear value revealed on the list (查看明文) is shown here too, never fetched again. */
/** The house's address with building, unit and room appended unless the address already names them. */
const houseLabel = (h: { address: string; building: string; unit: string; room: string }) =>
  h.address + [h.building && `${h.building}栋`, h.unit && `${h.unit}单元`, h.room && `${h.room}室`].filter((x) => x && !h.address.includes(x)).join('');

export type Revealed = Record<string, { name?: string; idNumber?: string; phone?: string | null }>;

/**
 * 详情: one registry record in a drawer, loaded from GET …/{id} (masked by the same presenter as the list). A person
 * links to their house and a house to its residents, so a grid worker walks the register without searching again.
 */
const labelStyles = { label: { width: 120, whiteSpace: 'nowrap' as const } };

export function RegistryDetail({ target, onClose, revealed }: { target: DetailTarget | null; onClose(): void; revealed: Revealed }) {
  const { t, te } = useLocale();
  const [current, setCurrent] = useState<DetailTarget | null>(target);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  const lbl = (k: string) => (isMessageKey(k) ? t(k) : (k.split('.').pop() ?? k));

  useEffect(() => setCurrent(target), [target]);
  useEffect(() => {
    if (!current) return;
    let live = true;
    setLoaded(null);
    setError(null);
    const { kind, id } = current;
    const load = async (): Promise<Loaded> => {
      if (kind === 'organisations') {
        const [d, credit] = await Promise.all([api.get<OrganisationDetail>(`/api/v1/organisations/${id}`), api.get<Page<z.infer<typeof creditEvent>>>(`/api/v1/organisations/${id}/credit-events`, { pageSize: 5 })]);
        return { kind, d, credit: credit.items };
      }
      return { kind, d: await api.get(`/api/v1/${kind}/${id}`) } as Loaded;
    };
    load()
      .then((l) => live && setLoaded(l))
      .catch((err: unknown) => live && setError(err));
    return () => {
      live = false;
    };
  }, [current]);

  const place = (p: z.infer<typeof placeTrail>, gridCode: string) => (p.length ? p.map((s) => s.name).join(' / ') : gridCode);
  const open = (kind: RegistryKind, id: string) => setCurrent({ kind, id });
  const link = (text: string, kind: RegistryKind, id: string) => (
    <Button type="link" size="small" style={{ padding: 0 }} onClick={() => open(kind, id)}>
      {text}
    </Button>
  );

  const body = () => {
    if (!loaded) return null;
    if (loaded.kind === 'people') {
      const p = loaded.d;
      const r = revealed[p.id];
      return (
        <Descriptions column={1} bordered size="small" styles={labelStyles} data-testid="registry-detail">
          <Descriptions.Item label={t('registry.name')}>{r?.name ?? p.name}</Descriptions.Item>
          <Descriptions.Item label={t('registry.kind')}>{lbl(`registry.person.${p.kind}`)}</Descriptions.Item>
          <Descriptions.Item label={t('registry.gender')}>{lbl(`registry.gender.${p.gender}`)}</Descriptions.Item>
          <Descriptions.Item label={t('registry.birth_date')}>{p.birthDate ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('registry.id_number')}>
            <code>{r?.idNumber ?? p.idNumber}</code>
          </Descriptions.Item>
          <Descriptions.Item label={t('registry.phone')}>{r?.phone ?? p.phone ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('field.address')}>{p.address || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('registry.place')}>{place(p.place, p.gridCode)}</Descriptions.Item>
          <Descriptions.Item label={t('registry.house')}>
            {p.house ? (
              <Space wrap>
                {link(houseLabel(p.house), 'houses', p.house.id)}
                {p.houseRelation && <Tag>{lbl(`registry.relation.${p.houseRelation}`)}</Tag>}
                {p.house.rental && <Tag>{t('registry.rental')}</Tag>}
              </Space>
            ) : (
              t('registry.no_house')
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('registry.tags')}>{p.tags.length ? p.tags.map((x) => <Tag key={x}>{lbl(`registry.tag.${x}`)}</Tag>) : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('registry.note')}>{p.note || '—'}</Descriptions.Item>
        </Descriptions>
      );
    }
    if (loaded.kind === 'houses') {
      const h = loaded.d;
      return (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="registry-detail">
          <Descriptions column={1} bordered size="small" styles={labelStyles}>
            <Descriptions.Item label={t('field.address')}>{h.address}</Descriptions.Item>
            <Descriptions.Item label={t('registry.building')}>{[h.building, h.unit, h.room].filter(Boolean).join(' / ') || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('registry.purpose')}>{lbl(`registry.purpose.${h.purpose}`)}</Descriptions.Item>
            <Descriptions.Item label={t('registry.rental')}>{h.rental ? t('common.yes') : t('common.no')}</Descriptions.Item>
            <Descriptions.Item label={t('registry.visit_cycle')}>{h.visitCycleDays ? t('registry.visit_cycle_days', { n: h.visitCycleDays }) : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('registry.place')}>{place(h.place, h.gridCode)}</Descriptions.Item>
            <Descriptions.Item label={t('registry.residents')}>{t('registry.residents_count', { n: h.residentsCount })}</Descriptions.Item>
          </Descriptions>
          <List
            size="small"
            bordered
            header={t('registry.residents')}
            dataSource={h.residents}
            locale={{ emptyText: t('registry.no_residents') }}
            renderItem={(p) => (
              <List.Item>
                <Space>
                  {link(revealed[p.id]?.name ?? p.name, 'people', p.id)}
                  <Tag>{lbl(`registry.person.${p.kind}`)}</Tag>
                  {p.houseRelation && <Tag color="blue">{lbl(`registry.relation.${p.houseRelation}`)}</Tag>}
                </Space>
              </List.Item>
            )}
          />
        </Space>
      );
    }
    if (loaded.kind === 'organisations') {
      const o = loaded.d;
      return (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="registry-detail">
          <Descriptions column={1} bordered size="small" styles={labelStyles}>
            <Descriptions.Item label={t('registry.name')}>{o.name}</Descriptions.Item>
            <Descriptions.Item label={t('registry.kind')}>{lbl(`registry.org.${o.kind}`)}</Descriptions.Item>
            <Descriptions.Item label={t('registry.credit_code')}>
              <code>{o.creditCode ?? '—'}</code>
            </Descriptions.Item>
            <Descriptions.Item label={t('registry.legal_rep')}>{o.legalRep || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('registry.industry')}>{o.industry || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('registry.status')}>{lbl(`registry.org_status.${o.status}`)}</Descriptions.Item>
            <Descriptions.Item label={t('field.address')}>{o.address || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('registry.place')}>{place(o.place, o.gridCode)}</Descriptions.Item>
          </Descriptions>
          <List
            size="small"
            bordered
            header={t('registry.credit_events')}
            dataSource={loaded.credit}
            locale={{ emptyText: t('registry.no_credit_events') }}
            renderItem={(e) => (
              <List.Item>
                <Space wrap>
                  <Typography.Text type="secondary">{e.occurredOn}</Typography.Text>
                  <Tag color={e.kind === 'penalty' || e.kind === 'dishonest' ? 'red' : 'default'}>{lbl(`registry.credit.${e.kind}`)}</Tag>
                  {e.title}
                </Space>
              </List.Item>
            )}
          />
        </Space>
      );
    }
    const c = loaded.d;
    return (
      <Descriptions column={1} bordered size="small" styles={labelStyles} data-testid="registry-detail">
        <Descriptions.Item label={t('registry.component_code')}>
          <code>{c.code}</code>
        </Descriptions.Item>
        <Descriptions.Item label={t('registry.class')}>{c.className}</Descriptions.Item>
        <Descriptions.Item label={t('registry.name')}>{c.name}</Descriptions.Item>
        <Descriptions.Item label={t('grid.component_state')}>{lbl(`registry.state.${c.state}`)}</Descriptions.Item>
        <Descriptions.Item label={t('registry.owner')}>{c.ownerDepartment?.name ?? (c.ownerUnit || '—')}</Descriptions.Item>
        <Descriptions.Item label={t('registry.maintainer')}>{c.maintainerDepartment?.name ?? (c.maintainerUnit || '—')}</Descriptions.Item>
        <Descriptions.Item label={t('registry.installed_on')}>{c.installedOn ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('field.address')}>{c.address || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('registry.place')}>{place(c.place, c.gridCode)}</Descriptions.Item>
      </Descriptions>
    );
  };

  return (
    <Drawer open={target !== null} onClose={onClose} width={560} title={current ? t(`registry.detail.${current.kind}`) : ''} destroyOnHidden>
      {error !== null && <Alert type="error" showIcon message={te(error)} />}
      {!loaded && error === null ? <Skeleton active /> : body()}
    </Drawer>
  );
}
