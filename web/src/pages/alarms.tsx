import { Alert, App, Badge, Button, Form, Input, Modal, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Page } from '../api/client.ts';
import { subscribe } from '../api/live.ts';
import { useSession } from '../auth/session.tsx';
import { ExportButton } from '../components/export-button.tsx';
import { useLocale } from '../i18n/locale.tsx';
import type { MessageKey } from '../i18n/i18n.ts';
import { Link } from '../router.tsx';

interface Alarm {
  id: string;
  deviceId: string;
  type: string;
  severity: 'warning' | 'minor' | 'major' | 'critical';
  status: 'active' | 'acknowledged' | 'cleared';
  gridCode: string | null;
  metric: string | null;
  lastValue: number | null;
  count: number;
  raisedAt: string;
  acknowledgedBy: string | null;
  case: { link: string; code: string | null; error: string | null };
}

const severityColor = { warning: 'blue', minor: 'gold', major: 'orange', critical: 'red' } as const;
const statusBadge = { active: 'error', acknowledged: 'warning', cleared: 'default' } as const;

/** 告警工作台: alarms in my scope, filtered, acknowledged, cleared, turned into cases; refreshed live by the brain's stream. */
export function AlarmsPage() {
  const { t, te } = useLocale();
  const { can } = useSession();
  const { message } = App.useApp();
  const [filter, setFilter] = useState<{ status?: string; severity?: string; type?: string; area?: string }>({ status: 'active,acknowledged' });
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<Alarm> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [clearing, setClearing] = useState<Alarm | null>(null);
  const [toCase, setToCase] = useState<Alarm | null>(null);
  const [live, setLive] = useState(false);
  const [clearForm] = Form.useForm<{ reason?: string }>();
  const [caseForm] = Form.useForm<{ caseCode?: string; category?: string }>();
  const manage = can('alarm.manage');

  const load = useCallback(
    () => void api.get<Page<Alarm>>('/api/v1/alarms', { ...filter, page, pageSize: 20 }).then((d) => (setData(d), setError(null)), setError),
    [filter, page],
  );
  useEffect(load, [load]);

  // 实时: every alarm event in my scope reloads the page of the list, at most twice a second
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const stop = subscribe('/api/v1/brain/stream', (e) => {
      if (e.event !== 'alarm') return;
      setLive(true);
      timer ??= setTimeout(() => ((timer = null), loadRef.current()), 500);
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, []);

  const act = (p: Promise<unknown>, done: MessageKey) =>
    p.then(
      () => {
        void message.success(t(done));
        load();
      },
      (e: unknown) => void message.error(te(e)),
    );

  const columns: TableColumnsType<Alarm> = [
    { title: t('alarms.raised_at'), dataIndex: 'raisedAt', render: (s: string) => new Date(s).toLocaleString(), width: 180 },
    { title: t('alarms.severity'), dataIndex: 'severity', render: (s: Alarm['severity']) => <Tag color={severityColor[s]}>{t(`alarms.severity.${s}`)}</Tag> },
    { title: t('alarms.type'), dataIndex: 'type' },
    { title: t('alarms.device'), dataIndex: 'deviceId' },
    { title: t('alarms.value'), render: (_, a) => (a.metric ? `${a.metric} = ${a.lastValue ?? '-'} (×${a.count})` : `×${a.count}`) },
    { title: t('alarms.grid'), dataIndex: 'gridCode' },
    { title: t('alarms.status'), dataIndex: 'status', render: (s: Alarm['status'], a) => <Badge status={statusBadge[s]} text={`${t(`alarms.status.${s}`)}${a.acknowledgedBy ? ` · ${a.acknowledgedBy}` : ''}`} /> },
    { title: t('alarms.case'), render: (_, a) => (a.case.code ? <Link to={`/cases/${a.case.code}`}>{a.case.code}</Link> : a.case.link === 'pending' ? '…' : '') },
    {
      title: t('dev.common.actions'),
      render: (_, a) =>
        manage && (
          <Space size="small">
            {a.status === 'active' && (
              <Button size="small" type="primary" onClick={() => void act(api.post(`/api/v1/alarms/${a.id}/acknowledge`, {}), 'alarms.acknowledged')}>
                {t('alarms.acknowledge')}
              </Button>
            )}
            {a.status !== 'cleared' && <Button size="small" onClick={() => (clearForm.resetFields(), setClearing(a))}>{t('alarms.clear')}</Button>}
            {!a.case.code && a.case.link !== 'pending' && can('case.create') && <Button size="small" onClick={() => (caseForm.resetFields(), setToCase(a))}>{t('alarms.to_case')}</Button>}
          </Space>
        ),
    },
  ];

  const statusOptions = [
    { value: 'active,acknowledged', label: `${t('alarms.status.active')} + ${t('alarms.status.acknowledged')}` },
    ...(['active', 'acknowledged', 'cleared'] as const).map((s) => ({ value: s, label: t(`alarms.status.${s}`) })),
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('alarms.title')} {live && <Tag color="green">{t('alarms.live')}</Tag>}
        </Typography.Title>
        <ExportButton path="/api/v1/alarms" query={filter} name="alarms" />
      </Space>
      <Form name="alarm-filter" layout="inline" onFinish={(v: typeof filter) => (setPage(1), setFilter({ ...v, type: v.type || undefined, area: v.area || undefined }))} initialValues={filter}>
        <Form.Item name="status" label={t('alarms.status')}>
          <Select style={{ width: 200 }} allowClear options={statusOptions} />
        </Form.Item>
        <Form.Item name="severity" label={t('alarms.severity')}>
          <Select style={{ width: 120 }} allowClear options={(['warning', 'minor', 'major', 'critical'] as const).map((s) => ({ value: s, label: t(`alarms.severity.${s}`) }))} />
        </Form.Item>
        <Form.Item name="type" label={t('alarms.type')}>
          <Input style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="area" label={t('alarms.area')}>
          <Input style={{ width: 160 }} />
        </Form.Item>
        <Button htmlType="submit">{t('dev.common.search')}</Button>
      </Form>
      {error !== null && <Alert type="error" showIcon message={te(error)} />}
      <Table<Alarm>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={data?.items ?? []}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
      />
      <Modal
        open={clearing !== null}
        title={t('alarms.clear')}
        okText={t('alarms.clear')}
        cancelText={t('dev.common.cancel')}
        onCancel={() => setClearing(null)}
        onOk={() =>
          clearForm.validateFields().then((v) => {
            const a = clearing!;
            setClearing(null);
            void act(api.post(`/api/v1/alarms/${a.id}/clear`, { reason: v.reason }), 'alarms.cleared');
          })
        }
      >
        <Form name="alarm-clear" form={clearForm} layout="vertical">
          <Form.Item name="reason" label={t('alarms.clear_reason')} rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={toCase !== null}
        title={t('alarms.to_case_title')}
        okText={t('alarms.to_case')}
        cancelText={t('dev.common.cancel')}
        onCancel={() => setToCase(null)}
        onOk={() =>
          caseForm.validateFields().then((v) => {
            const a = toCase!;
            setToCase(null);
            void act(api.post(`/api/v1/alarms/${a.id}/case`, { caseCode: v.caseCode || undefined, category: v.category || undefined }), 'alarms.linked');
          })
        }
      >
        <Form name="alarm-case" form={caseForm} layout="vertical">
          <Form.Item name="caseCode" label={t('alarms.case_code')} rules={[{ pattern: /^[0-9]{13}$/ }]}>
            <Input maxLength={13} />
          </Form.Item>
          <Form.Item name="category" label={t('alarms.category')} rules={[{ pattern: /^[0-9]{4}$/ }]}>
            <Input maxLength={4} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
