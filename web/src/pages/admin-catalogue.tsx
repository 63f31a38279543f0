import { Alert, App, Button, Card, Checkbox, Descriptions, Form, Input, InputNumber, Modal, Popconfirm, Radio, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, type Page } from '../api/client.ts';
import { categoryName, departmentName, forgetReference, unitOptions, useTaxonomy } from '../api/reference.ts';
import type { Department, Located } from '../api/types.ts';
import { AreaTreePicker } from '../components/area-tree-picker.tsx';
import { useLocale } from '../i18n/locale.tsx';

interface Rule {
  id: string;
  category: string;
  areaCode: string | null;
  departmentCode: string;
  coDepartments: string[];
  allowTerritorial: boolean;
  note: string;
  updatedAt: string;
}
interface Responsible {
  department: string;
  coDepartments: string[];
  source: 'catalogue' | 'taxonomy';
  ruleId: string | null;
}
type RuleForm = { category: string; areaCode?: string | null; departmentCode: string; coDepartments?: string[]; allowTerritorial?: boolean; note?: string };

/** 权责清单: category × area → responsible unit (and 协办 units), with a "who gets this?" tester. */
export function AdminCataloguePage() {
  const { t, te, locale } = useLocale();
  const { message } = App.useApp();
  const { categories } = useTaxonomy();
  const [departments, setDepartments] = useState<Department[]>([]);
  const [data, setData] = useState<Page<Rule>>({ items: [], total: 0, page: 1, pageSize: 20 });
  const [filter, setFilter] = useState<{ category?: string; area?: string; department?: string; page: number }>({ page: 1 });
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);

  const load = useCallback(() => {
    api
      .get<Page<Rule>>('/api/v1/dispatch/rules', { ...filter, pageSize: 20 })
      .then(setData)
      .catch((err: unknown) => void message.error(te(err)));
  }, [filter, message, te]);
  useEffect(load, [load]);
  useEffect(() => {
    forgetReference('departments');
    api
      .get<Department[]>('/api/v1/departments')
      .then(setDepartments)
      .catch((err: unknown) => void message.error(te(err)));
  }, [message, te]);

  const categoryOptions = useMemo(() => categories.map((c) => ({ value: c.code, label: `${c.code} ${locale === 'en-US' ? c.en : c.zh}` })), [categories, locale]);
  const departmentOptions = useMemo(() => unitOptions(departments, locale), [departments, locale]);
  const unit = (code: string) => departmentName(departments, code, locale);

  const remove = (r: Rule) =>
    api
      .del(`/api/v1/dispatch/rules/${r.id}`)
      .then(() => {
        void message.success(t('catalogue.removed'));
        load();
      })
      .catch((err: unknown) => void message.error(te(err)));

  const columns: TableColumnsType<Rule> = [
    { title: t('catalogue.category'), dataIndex: 'category', render: (c: string) => categoryName(categories, c, locale) },
    { title: t('catalogue.area'), dataIndex: 'areaCode', render: (a: string | null) => a ?? t('org.city_wide') },
    { title: t('catalogue.unit'), dataIndex: 'departmentCode', render: unit },
    { title: t('catalogue.co'), dataIndex: 'coDepartments', render: (cs: string[]) => cs.map((c) => <Tag key={c}>{unit(c)}</Tag>) },
    { title: t('catalogue.territorial'), dataIndex: 'allowTerritorial', width: 110, render: (v: boolean) => (v ? t('common.yes') : t('common.no')) },
    { title: t('catalogue.note'), dataIndex: 'note' },
    {
      title: t('common.actions'),
      width: 150,
      render: (_: unknown, r) => (
        <Space>
          <Button autoInsertSpace={false} size="small" aria-label={`${t('org.edit')} ${r.category} ${r.areaCode ?? ''}`} onClick={() => setEditing(r)}>
            {t('org.edit')}
          </Button>
          <Popconfirm title={t('catalogue.remove_confirm')} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={() => remove(r)}>
            <Button autoInsertSpace={false} size="small" danger aria-label={`${t('catalogue.remove')} ${r.category} ${r.areaCode ?? ''}`}>
              {t('catalogue.remove')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('catalogue.title')}</Typography.Title>
      <Alert type="info" message={t('catalogue.hint')} />
      <Tester categoryOptions={categoryOptions} unit={unit} />
      <Card
        title={t('catalogue.rules')}
        extra={
          <Button type="primary" onClick={() => setEditing('new')}>
            {t('catalogue.add')}
          </Button>
        }
      >
        <Space wrap style={{ marginBottom: 12 }}>
          <Select aria-label={t('catalogue.category')} placeholder={t('catalogue.category')} allowClear showSearch optionFilterProp="label" style={{ width: 220 }} options={categoryOptions} onChange={(category?: string) => setFilter((f) => ({ ...f, category, page: 1 }))} />
          <AreaTreePicker includeDisabled aria-label={t('catalogue.area')} placeholder={t('catalogue.area')} onChange={(area) => setFilter((f) => ({ ...f, area: area ?? undefined, page: 1 }))} value={filter.area ?? null} />
          <Select aria-label={t('catalogue.unit')} placeholder={t('catalogue.unit')} allowClear showSearch optionFilterProp="label" style={{ width: 220 }} options={departmentOptions} onChange={(department?: string) => setFilter((f) => ({ ...f, department, page: 1 }))} />
        </Space>
        <Table
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={data.items}
          pagination={{ current: data.page, pageSize: 20, total: data.total, showTotal: (n) => t('common.total', { total: n }), onChange: (page) => setFilter((f) => ({ ...f, page })) }}
        />
      </Card>
      {editing && (
        <RuleModal
          rule={editing === 'new' ? null : editing}
          categoryOptions={categoryOptions}
          departmentOptions={departmentOptions}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            load();
          }}
        />
      )}
    </Space>
  );
}

type Option = { value: string; label: string };

function RuleModal({ rule, categoryOptions, departmentOptions, onClose, onSaved }: { rule: Rule | null; categoryOptions: Option[]; departmentOptions: Option[]; onClose(): void; onSaved(): void }) {
  const { t, te } = useLocale();
  const [form] = Form.useForm<RuleForm>();
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    // an invalid form shows its messages; the rejection is not an error
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setError(null);
    const body = { departmentCode: v.departmentCode, coDepartments: v.coDepartments ?? [], allowTerritorial: v.allowTerritorial ?? false, note: v.note ?? '' };
    try {
      if (rule) await api.patch(`/api/v1/dispatch/rules/${rule.id}`, body);
      else await api.post('/api/v1/dispatch/rules', { ...body, category: v.category, areaCode: v.areaCode ?? null });
      onSaved();
    } catch (err) {
      setError(te(err));
    }
  };
  return (
    <Modal open width={560} title={rule ? t('catalogue.edit') : t('catalogue.add')} onOk={() => void submit()} onCancel={onClose} okText={t('common.save')} cancelText={t('common.cancel')}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={rule ?? { coDepartments: [], allowTerritorial: false }}>
        <Form.Item name="category" label={t('catalogue.category')} rules={[{ required: true, message: t('catalogue.category_rule') }]}>
          <Select aria-label={t('catalogue.category')} disabled={!!rule} showSearch optionFilterProp="label" options={categoryOptions} />
        </Form.Item>
        <Form.Item name="areaCode" label={t('catalogue.area')} extra={t('catalogue.area_hint')}>
          <AreaTreePicker aria-label={t('catalogue.area')} disabled={!!rule} placeholder={t('org.city_wide')} />
        </Form.Item>
        <Form.Item name="departmentCode" label={t('catalogue.unit')} rules={[{ required: true, message: t('catalogue.unit_rule') }]}>
          <Select aria-label={t('catalogue.unit')} showSearch optionFilterProp="label" options={departmentOptions} />
        </Form.Item>
        <Form.Item name="coDepartments" label={t('catalogue.co')}>
          <Select aria-label={t('catalogue.co')} mode="multiple" showSearch optionFilterProp="label" options={departmentOptions} />
        </Form.Item>
        <Form.Item name="allowTerritorial" valuePropName="checked">
          <Checkbox>{t('catalogue.territorial_hint')}</Checkbox>
        </Form.Item>
        <Form.Item name="note" label={t('catalogue.note')} rules={[{ max: 500 }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 谁来办: the unit /api/v1/dispatch/resolve picks for a category at an area (or a point's grid), and why. */
function Tester({ categoryOptions, unit }: { categoryOptions: Option[]; unit(code: string): string }) {
  const { t, te } = useLocale();
  const [category, setCategory] = useState<string | undefined>();
  const [by, setBy] = useState<'area' | 'point'>('area');
  const [area, setArea] = useState<string | null>(null);
  const [point, setPoint] = useState<{ lon?: number; lat?: number }>({});
  const [answer, setAnswer] = useState<{ r: Responsible; at: string; rule: Rule | null } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const ask = async () => {
    setError(null);
    setAnswer(null);
    try {
      let at = area;
      if (by === 'point') {
        const located = await api.get<Located>('/api/v1/geo/locate', { lon: point.lon, lat: point.lat });
        at = located.grid.code;
      }
      const r = await api.get<Responsible>('/api/v1/dispatch/resolve', { category, area: at ?? undefined });
      const rule = r.ruleId ? await api.get<Rule>(`/api/v1/dispatch/rules/${r.ruleId}`) : null;
      setAnswer({ r, at: at ?? t('org.city_wide'), rule });
    } catch (err) {
      setError(te(err));
    }
  };

  return (
    <Card title={t('catalogue.tester')}>
      <Space wrap align="start">
        <Select aria-label={t('catalogue.tester.category')} placeholder={t('catalogue.category')} showSearch optionFilterProp="label" style={{ width: 240 }} options={categoryOptions} value={category} onChange={setCategory} />
        <Radio.Group value={by} onChange={(e) => setBy(e.target.value as 'area' | 'point')} optionType="button">
          <Radio value="area">{t('catalogue.tester.by_area')}</Radio>
          <Radio value="point">{t('catalogue.tester.by_point')}</Radio>
        </Radio.Group>
        {by === 'area' ? (
          <AreaTreePicker aria-label={t('catalogue.tester.area')} value={area} onChange={setArea} placeholder={t('org.city_wide')} />
        ) : (
          <Space>
            <InputNumber aria-label={t('catalogue.tester.lon')} placeholder={t('catalogue.tester.lon')} step={0.001} value={point.lon} onChange={(lon) => setPoint((p) => ({ ...p, lon: lon ?? undefined }))} style={{ width: 140 }} />
            <InputNumber aria-label={t('catalogue.tester.lat')} placeholder={t('catalogue.tester.lat')} step={0.001} value={point.lat} onChange={(lat) => setPoint((p) => ({ ...p, lat: lat ?? undefined }))} style={{ width: 140 }} />
          </Space>
        )}
        <Button type="primary" disabled={!category || (by === 'point' && (point.lon === undefined || point.lat === undefined))} onClick={() => void ask()}>
          {t('catalogue.tester.ask')}
        </Button>
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} />}
      {answer && (
        <Descriptions size="small" bordered column={1} style={{ marginTop: 12 }} data-testid="tester-answer">
          <Descriptions.Item label={t('catalogue.unit')}>
            <strong>{unit(answer.r.department)}</strong>（{answer.r.department}）
          </Descriptions.Item>
          <Descriptions.Item label={t('catalogue.co')}>{answer.r.coDepartments.length ? answer.r.coDepartments.map(unit).join('、') : t('common.none')}</Descriptions.Item>
          <Descriptions.Item label={t('catalogue.tester.why')}>
            {answer.rule
              ? t('catalogue.tester.why_rule', { category: answer.rule.category, area: answer.rule.areaCode ?? t('org.city_wide'), at: answer.at })
              : t('catalogue.tester.why_taxonomy')}
          </Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}
