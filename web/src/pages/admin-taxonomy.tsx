import { Alert, App, Button, Card, Checkbox, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Category, CategoryAddition, TaxonomyVersionDto } from '../../../shared/taxonomy.ts';
import { api } from '../api/client.ts';
import type { Department } from '../api/types.ts';
import { unitOptions } from '../api/reference.ts';
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
  const [adding, setAdding] = useState(false);

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
            <Button disabled={!current} onClick={() => setAdding(true)}>{t('admin.taxonomy.add')}</Button>
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
      {adding && current && (
        <AddCategoryModal
          current={current}
          onClose={() => setAdding(false)}
          onSaved={() => {
            setAdding(false);
            void message.success(t('admin.taxonomy.added'));
            load();
          }}
        />
      )}
    </Space>
  );
}

/** 新增事项小类: saved as version N+1 on top of the one on screen (a stale screen gets the 409 and reloads). */
function AddCategoryModal({ current, onClose, onSaved }: { current: TaxonomyVersionDto; onClose(): void; onSaved(): void }) {
  const { t, te, locale } = useLocale();
  const [form] = Form.useForm<CategoryAddition>();
  const [error, setError] = useState<string | null>(null);
  const [units, setUnits] = useState<Department[]>([]);
  useEffect(() => {
    api
      .get<Department[]>('/api/v1/departments', { active: 'true' })
      .then(setUnits)
      .catch((err: unknown) => setError(te(err)));
  }, [te]);
  const groups = useMemo(() => [...new Map(current.categories.map((c) => [c.group, c.groupZh])).entries()], [current]);
  const submit = async () => {
    // an invalid form shows its messages; the rejection is not an error
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setError(null);
    try {
      await api.post('/api/v1/taxonomy/versions', { basedOn: current.version, note: `${t('admin.taxonomy.add')} ${v.code} ${v.zh}`, additions: [{ ...v, en: v.en || undefined }] });
      onSaved();
    } catch (err) {
      setError(te(err));
    }
  };
  return (
    <Modal open title={t('admin.taxonomy.add_title')} onOk={() => void submit()} onCancel={onClose} okText={t('common.save')} cancelText={t('common.cancel')}>
      <Alert type="info" message={t('admin.taxonomy.add_hint')} style={{ marginBottom: 12 }} />
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={{ workingTime: true, urgent: false, deadlineHours: 24 }}>
        <Form.Item name="group" label={t('admin.taxonomy.group')} rules={[{ required: true }]}>
          <Select aria-label={t('admin.taxonomy.group')} showSearch optionFilterProp="label" options={groups.map(([code, name]) => ({ value: code, label: `${code} ${name}` }))} />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('admin.taxonomy.code')}
          dependencies={['group']}
          rules={[({ getFieldValue }) => ({ validator: (_, v: string | undefined) => (v && /^[0-9]{4}$/.test(v) && v.startsWith(String(getFieldValue('group') ?? '')) ? Promise.resolve() : Promise.reject(new Error(t('admin.taxonomy.code_rule')))) })]}
        >
          <Input aria-label={t('admin.taxonomy.code')} maxLength={4} />
        </Form.Item>
        <Form.Item name="zh" label={t('admin.taxonomy.name_zh')} rules={[{ required: true, whitespace: true, max: 50 }]}>
          <Input aria-label={t('admin.taxonomy.name_zh')} />
        </Form.Item>
        <Form.Item name="en" label={t('admin.taxonomy.name_en')} rules={[{ max: 100 }]}>
          <Input aria-label={t('admin.taxonomy.name_en')} />
        </Form.Item>
        <Form.Item name="department" label={t('admin.taxonomy.department')} rules={[{ required: true }]}>
          <Select aria-label={t('admin.taxonomy.department')} showSearch optionFilterProp="label" options={unitOptions(units, locale)} />
        </Form.Item>
        <Space>
          <Form.Item name="deadlineHours" label={t('admin.taxonomy.deadline')} rules={[{ required: true }]}>
            <InputNumber aria-label={t('admin.taxonomy.deadline')} min={0.5} max={8784} />
          </Form.Item>
          <Form.Item name="workingTime" label={t('admin.taxonomy.kind')}>
            <Select
              aria-label={t('admin.taxonomy.kind')}
              style={{ width: 130 }}
              options={[
                { value: true, label: t('admin.taxonomy.working') },
                { value: false, label: t('admin.taxonomy.clock') },
              ]}
            />
          </Form.Item>
          <Form.Item name="urgent" label={t('admin.taxonomy.urgent')} valuePropName="checked">
            <Checkbox aria-label={t('admin.taxonomy.urgent')} />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}
