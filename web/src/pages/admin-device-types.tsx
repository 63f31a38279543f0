import { Alert, App, Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { useSession } from '../auth/session.tsx';
import { useLocale } from '../i18n/locale.tsx';

interface Metric {
  unit: string;
  min: number;
  max: number;
}
interface DeviceType {
  code: string;
  zh: string;
  en: string;
  intervalS: number;
  metrics: Record<string, Metric>;
  normal?: Record<string, [number, number]>;
}
interface Rule {
  id: string;
  name: string;
  deviceType?: string | null;
  deviceId?: string | null;
  alarmType: string;
  severity: string;
  condition: Record<string, unknown>;
  durationS?: number;
  schedule?: unknown;
  caseCategory?: string | null;
  escalateAfterMin?: number | null;
  enabled?: boolean;
}
type TypeForm = { code: string; zh: string; en: string; intervalS: number; metrics: ({ name: string } & Metric)[] };

const describe = (c: Record<string, unknown>): string => {
  if (c.kind === 'threshold') return `${String(c.metric)} ${String(c.op)} ${String(c.value)}${c.clearValue !== undefined ? ` (↺ ${String(c.clearValue)})` : ''}`;
  if (c.kind === 'rate') return `Δ${String(c.metric)} ${String(c.perMinute)}/min ${String(c.direction)}`;
  if (c.kind === 'nodata') return `no data ${String(c.minutes)} min`;
  return `${String(c.kind).toUpperCase()}(${(c.conditions as Record<string, unknown>[]).map(describe).join(', ')})`;
};

/** 设备类型与预警规则: device types with metrics, units and valid ranges (ingest checks them), and the alarm rules on them. */
export function AdminDeviceTypesPage() {
  const { t, te, locale } = useLocale();
  const { can } = useSession();
  const { message } = App.useApp();
  const [types, setTypes] = useState<DeviceType[]>([]);
  const [rules, setRules] = useState<Rule[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<'new' | string | null>(null);
  const [ruleOpen, setRuleOpen] = useState(false);
  const [form] = Form.useForm<TypeForm>();
  const [ruleForm] = Form.useForm();
  const manageRules = can('alarm.manage');

  const load = useCallback(() => {
    api.get<DeviceType[]>('/api/v1/device-types').then(setTypes, setError);
    api.get<Rule[]>('/api/v1/alarm-rules').then(setRules, setError);
  }, []);
  useEffect(load, [load]);
  const fail = (e: unknown) => void message.error(te(e));
  const done = () => (void message.success(t('dev.common.saved')), load());

  const openType = (ty?: DeviceType) => {
    form.resetFields();
    form.setFieldsValue(ty ? { ...ty, metrics: Object.entries(ty.metrics).map(([name, m]) => ({ name, ...m })) } : { intervalS: 300, metrics: [{ name: '', unit: '', min: 0, max: 100 }] });
    setEditing(ty ? ty.code : 'new');
  };
  const saveType = () =>
    form.validateFields().then((v) => {
      const old = types.find((x) => x.code === editing);
      const metrics = Object.fromEntries(v.metrics.map((m) => [m.name, { unit: m.unit ?? '', min: m.min, max: m.max }]));
      // the simulator's healthy band stays for metrics that are kept, clipped by nothing: the server checks it
      const normal = Object.fromEntries(Object.entries(old?.normal ?? {}).filter(([k]) => k in metrics));
      const body = { zh: v.zh, en: v.en, intervalS: v.intervalS, metrics, normal };
      const req = editing === 'new' ? api.post('/api/v1/device-types', { ...body, code: v.code }) : api.put(`/api/v1/device-types/${editing}`, body);
      req.then(() => (setEditing(null), done()), fail);
    });

  const putRule = (r: Rule, patch: Partial<Rule>) => {
    const { id, ...rest } = { ...r, ...patch } as Rule & { createdAt?: string; updatedAt?: string };
    delete rest.createdAt;
    delete rest.updatedAt;
    return api.put(`/api/v1/alarm-rules/${id}`, rest).then(done, fail);
  };
  const saveRule = () =>
    ruleForm.validateFields().then((v: Record<string, string | number | undefined>) =>
      api
        .post('/api/v1/alarm-rules', {
          name: v.name, deviceType: v.deviceType, alarmType: v.alarmType, severity: v.severity, caseCategory: v.caseCategory || null,
          condition: { kind: 'threshold', metric: v.metric, op: v.op, value: v.value, ...(v.clearValue !== undefined && v.clearValue !== null ? { clearValue: v.clearValue } : {}) },
        })
        .then(() => (setRuleOpen(false), done()), fail),
    );

  const typeColumns: TableColumnsType<DeviceType> = [
    { title: t('types.code'), dataIndex: 'code' },
    { title: t('devices.name'), render: (_, ty) => (locale === 'en-US' ? ty.en : ty.zh) },
    { title: t('types.interval'), dataIndex: 'intervalS' },
    { title: t('types.metrics'), render: (_, ty) => Object.entries(ty.metrics).map(([k, m]) => <Tag key={k}>{`${k} ${m.min}…${m.max} ${m.unit}`}</Tag>) },
    {
      title: t('dev.common.actions'),
      render: (_, ty) => (
        <Space size="small">
          <Button size="small" onClick={() => openType(ty)}>{t('types.edit')}</Button>
          <Popconfirm title={t('dev.common.confirm_delete')} onConfirm={() => void api.del(`/api/v1/device-types/${ty.code}`).then(done, fail)}>
            <Button size="small" danger>{t('dev.common.delete')}</Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];
  const ruleColumns: TableColumnsType<Rule> = [
    { title: t('rules.name'), dataIndex: 'name' },
    { title: t('rules.target'), render: (_, r) => r.deviceType ?? r.deviceId },
    { title: t('rules.alarm_type'), dataIndex: 'alarmType' },
    { title: t('alarms.severity'), dataIndex: 'severity', render: (s: string) => t(`alarms.severity.${s}` as 'alarms.severity.minor') },
    { title: t('rules.condition'), render: (_, r) => describe(r.condition) },
    { title: t('rules.category'), dataIndex: 'caseCategory' },
    { title: t('rules.enabled'), render: (_, r) => <Switch size="small" aria-label={`${t('rules.enabled')} ${r.name}`} disabled={!manageRules} checked={r.enabled !== false} onChange={(on) => void putRule(r, { enabled: on })} /> },
    {
      title: t('dev.common.actions'),
      render: (_, r) =>
        manageRules && (
          <Popconfirm title={t('dev.common.confirm_delete')} onConfirm={() => void api.del(`/api/v1/alarm-rules/${r.id}`).then(done, fail)}>
            <Button size="small" danger>{t('dev.common.delete')}</Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('types.title')}</Typography.Title>
      <Alert type="info" message={t('types.hint')} />
      {error !== null && <Alert type="error" showIcon message={te(error)} />}
      <Card title={t('types.metrics')} extra={<Button type="primary" onClick={() => openType()}>{t('types.create')}</Button>}>
        <Table<DeviceType> rowKey="code" size="small" columns={typeColumns} dataSource={types} pagination={false} />
      </Card>
      <Card title={t('rules.title')} extra={manageRules && <Button onClick={() => (ruleForm.resetFields(), ruleForm.setFieldsValue({ severity: 'minor', op: '>' }), setRuleOpen(true))}>{t('rules.create')}</Button>}>
        <Table<Rule> rowKey="id" size="small" columns={ruleColumns} dataSource={rules} pagination={false} />
      </Card>
      <Modal width={720} open={editing !== null} title={editing === 'new' ? t('types.create') : t('types.edit')} okText={t('dev.common.save')} cancelText={t('dev.common.cancel')} onOk={() => void saveType()} onCancel={() => setEditing(null)}>
        <Form name="device-type" form={form} layout="vertical">
          <Space wrap>
            <Form.Item name="code" label={t('types.code')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{1,31}$/ }]}>
              <Input disabled={editing !== 'new'} />
            </Form.Item>
            <Form.Item name="zh" label={t('types.zh')} rules={[{ required: true, whitespace: true }]}>
              <Input maxLength={100} />
            </Form.Item>
            <Form.Item name="en" label={t('types.en')} rules={[{ required: true, whitespace: true }]}>
              <Input maxLength={100} />
            </Form.Item>
            <Form.Item name="intervalS" label={t('types.interval')} rules={[{ required: true }]}>
              <InputNumber min={1} max={86400} />
            </Form.Item>
          </Space>
          <Form.List name="metrics">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline">
                    <Form.Item name={[f.name, 'name']} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,31}$/ }]}>
                      <Input placeholder={t('types.metric')} aria-label={t('types.metric')} style={{ width: 140 }} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'unit']}>
                      <Input placeholder={t('types.unit')} aria-label={t('types.unit')} style={{ width: 100 }} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'min']} rules={[{ required: true }]}>
                      <InputNumber placeholder={t('types.min')} aria-label={t('types.min')} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'max']} rules={[{ required: true }]}>
                      <InputNumber placeholder={t('types.max')} aria-label={t('types.max')} />
                    </Form.Item>
                    <Button onClick={() => remove(f.name)} aria-label={t('dev.common.delete')}>−</Button>
                  </Space>
                ))}
                <Button onClick={() => add({ unit: '', min: 0, max: 100 })}>{t('types.add_metric')}</Button>
              </>
            )}
          </Form.List>
        </Form>
      </Modal>
      <Modal open={ruleOpen} title={t('rules.create')} okText={t('dev.common.save')} cancelText={t('dev.common.cancel')} onOk={() => void saveRule()} onCancel={() => setRuleOpen(false)}>
        <Form name="alarm-rule" form={ruleForm} layout="vertical">
          <Form.Item name="name" label={t('rules.name')} rules={[{ required: true, whitespace: true }]}><Input maxLength={100} /></Form.Item>
          <Form.Item name="deviceType" label={t('devices.type')} rules={[{ required: true }]}>
            <Select options={types.map((ty) => ({ value: ty.code, label: locale === 'en-US' ? ty.en : ty.zh }))} />
          </Form.Item>
          <Form.Item name="alarmType" label={t('rules.alarm_type')} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{1,63}$/ }]}><Input /></Form.Item>
          <Form.Item name="severity" label={t('alarms.severity')}>
            <Select options={(['warning', 'minor', 'major', 'critical'] as const).map((s) => ({ value: s, label: t(`alarms.severity.${s}`) }))} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="metric" label={t('types.metric')} rules={[{ required: true }]}><Input style={{ width: 120 }} /></Form.Item>
            <Form.Item name="op" label={t('rules.op')}><Select style={{ width: 80 }} options={['>', '>=', '<', '<='].map((o) => ({ value: o, label: o }))} /></Form.Item>
            <Form.Item name="value" label={t('rules.value')} rules={[{ required: true }]}><InputNumber /></Form.Item>
            <Form.Item name="clearValue" label={t('rules.clear_value')}><InputNumber /></Form.Item>
          </Space>
          <Form.Item name="caseCategory" label={t('rules.category')} rules={[{ pattern: /^[0-9]{4}$/ }]}><Input maxLength={4} /></Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
