import { Alert, App, Button, Card, Input, InputNumber, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Category, TaxonomyVersionDto } from '../../../shared/taxonomy.ts';
import { api } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';

type Edit = { deadlineHours?: number; workingTime?: boolean };
interface Row {
  key: string;
  code: string;
  name: string;
  leaf?: Category;
  children?: Row[];
}

/** 事项分类 for admins: the category tree with each leaf's handling limit; edits save as a new version. */
export function AdminTaxonomyPage() {
  const { t, te, locale } = useLocale();
  const { message } = App.useApp();
  const [versions, setVersions] = useState<TaxonomyVersionDto[]>([]);
  const [edits, setEdits] = useState<Record<string, Edit>>({});
  const [note, setNote] = useState('');
  // groups open unless the admin folds them, so every limit is visible at once
  const [folded, setFolded] = useState<readonly React.Key[]>([]);

  const load = useCallback(() => {
    api
      .get<{ items: TaxonomyVersionDto[] }>('/api/v1/taxonomy/versions')
      .then((r) => setVersions(r.items))
      .catch((err: unknown) => void message.error(te(err)));
  }, [message, te]);
  useEffect(load, [load]);

  const current = versions[0];
  // groups (大类) as parents, leaves with their limits as children
  const tree = useMemo<Row[]>(() => {
    const groups = new Map<string, Row>();
    for (const c of current?.categories ?? []) {
      const g = groups.get(c.group) ?? { key: `g${c.group}`, code: c.group, name: c.groupZh, children: [] };
      g.children!.push({ key: c.code, code: c.code, name: locale === 'en-US' ? c.en : c.zh, leaf: c });
      groups.set(c.group, g);
    }
    return [...groups.values()];
  }, [current, locale]);

  const edit = (code: string, patch: Edit) => setEdits((e) => ({ ...e, [code]: { ...e[code], ...patch } }));
  const changes = Object.entries(edits).map(([code, e]) => ({ code, ...e }));

  const save = () =>
    current &&
    api
      .post('/api/v1/taxonomy/versions', { basedOn: current.version, note, changes })
      .then(() => {
        void message.success(t('admin.taxonomy.saved'));
        setEdits({});
        setNote('');
        load();
      })
      .catch((err: unknown) => void message.error(te(err)));

  const columns: TableColumnsType<Row> = [
    { title: t('admin.taxonomy.code'), dataIndex: 'code', width: 120 },
    { title: t('admin.taxonomy.category'), dataIndex: 'name' },
    {
      title: t('admin.taxonomy.deadline'),
      render: (_: unknown, r: Row) =>
        r.leaf && (
          <Space>
            <InputNumber
              aria-label={`${t('admin.taxonomy.deadline')} ${r.code}`}
              min={0.5}
              max={8784}
              value={edits[r.code]?.deadlineHours ?? r.leaf.deadlineHours}
              onChange={(v) => typeof v === 'number' && edit(r.code, { deadlineHours: v })}
            />
            <Select
              aria-label={`${t('admin.taxonomy.kind')} ${r.code}`}
              style={{ width: 130 }}
              value={edits[r.code]?.workingTime ?? r.leaf.workingTime}
              onChange={(v) => edit(r.code, { workingTime: v })}
              options={[
                { value: true, label: t('admin.taxonomy.working') },
                { value: false, label: t('admin.taxonomy.clock') },
              ]}
            />
          </Space>
        ),
    },
    { title: t('admin.taxonomy.urgent'), render: (_: unknown, r: Row) => r.leaf?.urgent && <Tag color="red">{t('admin.taxonomy.urgent')}</Tag> },
  ];

  const history: TableColumnsType<TaxonomyVersionDto> = [
    { title: t('admin.taxonomy.version'), dataIndex: 'version', width: 100 },
    { title: t('admin.taxonomy.saved_at'), dataIndex: 'createdAt', render: (s: string) => new Date(s).toLocaleString() },
    { title: t('admin.taxonomy.note'), dataIndex: 'note' },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('admin.taxonomy.title')}</Typography.Title>
      <Alert type="info" message={t('admin.taxonomy.hint')} />
      <Card
        title={current ? `${t('admin.taxonomy.version')} ${current.version}` : t('admin.taxonomy.title')}
        extra={
          <Space>
            <Input aria-label={t('admin.taxonomy.note')} placeholder={t('admin.taxonomy.note')} value={note} onChange={(e) => setNote(e.target.value)} />
            <Button type="primary" disabled={!changes.length} onClick={() => void save()}>{t('admin.taxonomy.save')}</Button>
          </Space>
        }
      >
        <Table
          rowKey="key"
          size="small"
          columns={columns}
          dataSource={tree}
          pagination={false}
          expandable={{
            expandedRowKeys: tree.map((g) => g.key).filter((k) => !folded.includes(k)),
            onExpand: (open, r) => setFolded((f) => (open ? f.filter((k) => k !== r.key) : [...f, r.key])),
          }}
        />
      </Card>
      <Card title={t('admin.taxonomy.history')}>
        <Table rowKey="version" size="small" columns={history} dataSource={versions} pagination={false} />
      </Card>
    </Space>
  );
}
