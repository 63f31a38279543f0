import { Alert, App, Input, Modal, Select, Space, Table, Tabs, Tag, Typography, Button, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { api, type Page } from '../api/client.ts';
import { AreaTreePicker } from '../components/area-tree-picker.tsx';
import { ExportButton } from '../components/export-button.tsx';
import type { RegistryComponent, RegistryHouse, RegistryOrganisation, RegistryPerson } from '../api/types.ts';
import { useSession } from '../auth/session.tsx';
import { isMessageKey, type MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { careTagCodes, componentClasses, componentStates, housePurposes, organisationKinds, organisationStatuses, personKinds } from '../../../shared/registry/vocab.ts';
import { RegistryDetail, type DetailTarget, type RegistryKind as Kind } from './registry-detail.tsx';

type Row = RegistryPerson | RegistryHouse | RegistryOrganisation | RegistryComponent;
type Query = Record<string, string | undefined>;

/** A list filter the API already answers: its query parameter and the values offered (labels are message keys). */
interface FilterSpec {
  param: string;
  label: MessageKey;
  /** `label` is a message key; `text` a literal in each locale (component classes carry their own names) */
  options: readonly { value: string; label?: string; text?: [string, string] }[];
}
const opts = (values: readonly string[], prefix: string) => values.map((v) => ({ value: v, label: `${prefix}.${v}` }));
const filtersOf: Record<Kind, FilterSpec[]> = {
  people: [
    { param: 'kind', label: 'registry.kind', options: opts(personKinds, 'registry.person') },
    { param: 'tag', label: 'registry.tags', options: opts(careTagCodes, 'registry.tag') },
  ],
  houses: [
    { param: 'rental', label: 'registry.rental', options: [{ value: 'true', label: 'registry.rental.yes' }, { value: 'false', label: 'registry.rental.no' }] },
    { param: 'purpose', label: 'registry.purpose', options: opts(housePurposes, 'registry.purpose') },
  ],
  organisations: [
    { param: 'kind', label: 'registry.kind', options: opts(organisationKinds, 'registry.org') },
    { param: 'status', label: 'registry.status', options: opts(organisationStatuses, 'registry.org_status') },
  ],
  components: [
    { param: 'class', label: 'registry.class', options: Object.entries(componentClasses).map(([code, c]) => ({ value: code, text: [`${code} ${c.name}`, `${code} ${c.nameEn}`] })) },
    { param: 'state', label: 'grid.component_state', options: opts(componentStates, 'registry.state') },
  ],
};

/** The registers whose list endpoint answers ?format=csv|xlsx. */
const exportable: ReadonlySet<Kind> = new Set(['people', 'houses']);

function RegistryTable<T extends Row>({ kind, columns, onOpen }: { kind: Kind; columns: TableColumnsType<T>; onOpen(target: DetailTarget): void }) {
  const { t, te, locale } = useLocale();
  const lbl = (k: string) => (isMessageKey(k) ? t(k) : (k.split('.').pop() ?? k));
  // text search, the area picked on the tree and the tab's own filters: one query for the list and its export
  const [query, setQuery] = useState<Query>({});
  const set = (patch: Query) => (setQuery((q) => ({ ...q, ...patch })), setPage(1));
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [data, setData] = useState<Page<T> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    setLoading(true);
    api
      .get<Page<T>>(`/api/v1/${kind}`, { ...query, page, pageSize })
      .then((d) => (setData(d), setError(null)))
      .catch(setError)
      .finally(() => setLoading(false));
  }, [kind, query, page, pageSize]);
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search allowClear enterButton={t('common.search')} placeholder={t('registry.search')} aria-label={t('registry.search')} style={{ width: 320, maxWidth: '100%' }} onSearch={(v) => set({ q: v.trim() || undefined })} />
        <AreaTreePicker includeDisabled aria-label={t('registry.filter.area')} placeholder={t('registry.filter.area')} style={{ width: 240 }} value={query.area ?? null} onChange={(code) => set({ area: code ?? undefined })} />
        {filtersOf[kind].map((f) => (
          <Select
            key={f.param}
            allowClear
            aria-label={t(f.label)}
            placeholder={t(f.label)}
            style={{ minWidth: 130 }}
            popupMatchSelectWidth={false}
            value={query[f.param]}
            onChange={(v?: string) => set({ [f.param]: v })}
            showSearch={f.options.length > 10}
            optionFilterProp="label"
            options={f.options.map((o) => ({ value: o.value, label: o.text ? o.text[locale === 'en-US' ? 1 : 0] : lbl(o.label ?? o.value) }))}
          />
        ))}
        {exportable.has(kind) && <ExportButton path={`/api/v1/${kind}`} query={query} name={kind} />}
      </Space>
      {error !== null && <Alert type="error" showIcon message={te(error)} style={{ marginBottom: 12 }} />}
      <Table<T>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 900 }}
        onRow={(r) => ({ onClick: () => onOpen({ kind, id: r.id }), style: { cursor: 'pointer' } })}
        pagination={{ current: page, pageSize, total: data?.total ?? 0, showTotal: (total) => t('common.total', { total }), onChange: (p, s) => (setPage(p), setPageSize(s)) }}
      />
    </>
  );
}

/** 基础数据: people, houses, organisations and components in my scope; PII arrives masked from the API. */
export function RegistryPage() {
  const { t, te } = useLocale();
  const { can } = useSession();
  const { message } = App.useApp();
  const [revealing, setRevealing] = useState<RegistryPerson | null>(null);
  const [detail, setDetail] = useState<DetailTarget | null>(null);
  const [purpose, setPurpose] = useState('');
  const [revealed, setRevealed] = useState<Record<string, { name?: string; idNumber?: string; phone?: string | null }>>({});
  const lbl = (k: string) => (isMessageKey(k) ? t(k) : (k.split('.').pop() ?? k));

  const reveal = async () => {
    if (!revealing) return;
    try {
      const r = await api.post<{ id: string; name?: string; idNumber?: string; phone?: string | null }>(`/api/v1/people/${revealing.id}/reveal`, { purpose });
      setRevealed((m) => ({ ...m, [r.id]: r }));
      setRevealing(null);
      setPurpose('');
    } catch (err) {
      void message.error(te(err));
    }
  };

  // The row opens its detail on click; the first cell is also a link, so the keyboard reaches it too.
  const opener = (kind: Kind, id: string, label: React.ReactNode) => (
    <Button type="link" size="small" style={{ padding: 0, height: 'auto', textAlign: 'left', whiteSpace: 'normal' }} onClick={(e) => (e.stopPropagation(), setDetail({ kind, id }))}>
      {label}
    </Button>
  );

  const people: TableColumnsType<RegistryPerson> = [
    { title: t('registry.name'), key: 'name', width: 110, render: (_, p) => opener('people', p.id, revealed[p.id]?.name ?? p.name) },
    { title: t('registry.kind'), dataIndex: 'kind', width: 100, render: (v: string) => lbl(`registry.person.${v}`) },
    { title: t('registry.id_number'), key: 'id', width: 200, render: (_, p) => <code>{revealed[p.id]?.idNumber ?? p.idNumber}</code> },
    { title: t('registry.phone'), key: 'phone', width: 130, render: (_, p) => revealed[p.id]?.phone ?? p.phone ?? '—' },
    { title: t('field.address'), dataIndex: 'address', ellipsis: true },
    { title: t('field.grid'), dataIndex: 'gridCode', width: 160 },
    { title: t('registry.tags'), dataIndex: 'tags', width: 160, render: (tags: string[]) => tags.map((x) => <Tag key={x}>{lbl(`registry.tag.${x}`)}</Tag>) },
    ...(can('registry.reveal') ? [{ title: t('common.actions'), key: 'a', width: 100, render: (_: unknown, p: RegistryPerson) => !revealed[p.id] && <Button size="small" onClick={(e) => (e.stopPropagation(), setRevealing(p))}>{t('case.reveal')}</Button> }] : []),
  ];
  const houses: TableColumnsType<RegistryHouse> = [
    { title: t('field.address'), key: 'address', ellipsis: true, render: (_, h) => opener('houses', h.id, h.address) },
    { title: t('registry.building'), key: 'b', width: 180, render: (_, h) => [h.building, h.unit, h.room].filter(Boolean).join(' / ') || '—' },
    { title: t('registry.purpose'), dataIndex: 'purpose', width: 100, render: (v: string) => lbl(`registry.purpose.${v}`) },
    { title: t('registry.rental'), dataIndex: 'rental', width: 90, render: (v: boolean) => (v ? <Tag color="orange">{t('registry.rental')}</Tag> : t('common.no')) },
    { title: t('field.grid'), dataIndex: 'gridCode', width: 160 },
  ];
  const organisations: TableColumnsType<RegistryOrganisation> = [
    { title: t('registry.name'), key: 'name', ellipsis: true, render: (_, o) => opener('organisations', o.id, o.name) },
    { title: t('registry.kind'), dataIndex: 'kind', width: 100, render: (v: string) => lbl(`registry.org.${v}`) },
    { title: t('registry.credit_code'), dataIndex: 'creditCode', width: 190, render: (v: string | null) => <code>{v ?? '—'}</code> },
    { title: t('registry.legal_rep'), dataIndex: 'legalRep', width: 110 },
    { title: t('registry.status'), dataIndex: 'status', width: 90, render: (v: string) => lbl(`registry.org_status.${v}`) },
    { title: t('field.grid'), dataIndex: 'gridCode', width: 160 },
  ];
  const components: TableColumnsType<RegistryComponent> = [
    { title: t('registry.component_code'), key: 'code', width: 170, render: (_, c) => opener('components', c.id, <code>{c.code}</code>) },
    { title: t('registry.class'), key: 'c', width: 130, render: (_, c) => c.className },
    { title: t('registry.name'), dataIndex: 'name', ellipsis: true },
    { title: t('grid.component_state'), dataIndex: 'state', width: 90, render: (v: string) => <Tag color={v === 'intact' ? 'green' : 'orange'}>{lbl(`registry.state.${v}`)}</Tag> },
    { title: t('registry.owner'), dataIndex: 'ownerUnit', width: 150, ellipsis: true },
    { title: t('registry.maintainer'), dataIndex: 'maintainerUnit', width: 150, ellipsis: true },
    { title: t('field.grid'), dataIndex: 'gridCode', width: 160 },
  ];

  return (
    <div>
      <Typography.Title level={2} className="page-title" style={{ fontSize: 20 }}>
        {t('nav.registry')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('registry.masked_note')}</Typography.Paragraph>
      <Tabs
        destroyOnHidden
        items={[
          { key: 'people', label: t('registry.tab.people'), children: <RegistryTable kind="people" columns={people} onOpen={setDetail} /> },
          { key: 'houses', label: t('registry.tab.houses'), children: <RegistryTable kind="houses" columns={houses} onOpen={setDetail} /> },
          { key: 'organisations', label: t('registry.tab.organisations'), children: <RegistryTable kind="organisations" columns={organisations} onOpen={setDetail} /> },
          { key: 'components', label: t('registry.tab.components'), children: <RegistryTable kind="components" columns={components} onOpen={setDetail} /> },
        ]}
      />
      <RegistryDetail target={detail} onClose={() => setDetail(null)} revealed={revealed} />
      <Modal open={!!revealing} title={t('case.reveal')} onOk={() => void reveal()} onCancel={() => setRevealing(null)} okButtonProps={{ disabled: purpose.trim().length < 4 }}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <label htmlFor="registry-purpose">{t('case.reveal_purpose')}</label>
          <Input id="registry-purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)} maxLength={200} />
        </Space>
      </Modal>
    </div>
  );
}
