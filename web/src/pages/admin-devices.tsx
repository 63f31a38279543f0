import { Alert, App, Button, Card, Descriptions, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Typography, Upload, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, getToken, toApiError, type Page } from '../api/client.ts';
import { ExportButton } from '../components/export-button.tsx';
import { MapView } from '../components/map-view.tsx';
import { useLocale } from '../i18n/locale.tsx';

interface Device {
  id: string;
  name: string;
  type: string;
  lon: number | null;
  lat: number | null;
  gridCode: string | null;
  ownerDepartment: string | null;
  protocol: 'mqtt' | 'http';
  enabled: boolean;
  online: boolean;
  lastSeen: string | null;
}
interface DeviceType {
  code: string;
  zh: string;
  en: string;
}
interface Credentials {
  username: string;
  password: string;
  token: string;
}
type Editing = { mode: 'create' } | { mode: 'edit'; device: Device };

/** Sends a CSV or XLSX file as the request body (the import route reads text/csv or the XLSX type). */
async function postFile(url: string, file: File): Promise<{ created: number }> {
  const xlsx = /\.xlsx$/i.test(file.name);
  const headers: Record<string, string> = { 'content-type': xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body: xlsx ? await file.arrayBuffer() : await file.text() });
  } catch (err) {
    throw new ApiError(0, 'network.offline', (err as Error).message);
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw toApiError(res.status, body);
  return body as { created: number };
}

/** 感知设备 for admins: list and filter, a map, register and edit, credentials rotation (shown once), bulk import. */
export function AdminDevicesPage() {
  const { t, te, locale } = useLocale();
  const { message } = App.useApp();
  const [filter, setFilter] = useState<{ q?: string; type?: string; online?: string }>({});
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<Device> | null>(null);
  const [types, setTypes] = useState<DeviceType[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [creds, setCreds] = useState<Credentials[] | null>(null);
  const [rowErrors, setRowErrors] = useState<{ row: number; code: string; message: string }[]>([]);
  const [form] = Form.useForm();

  const load = useCallback(() => void api.get<Page<Device>>('/api/v1/devices', { ...filter, page, pageSize: 50 }).then((d) => (setData(d), setError(null)), setError), [filter, page]);
  useEffect(load, [load]);
  useEffect(() => void api.get<DeviceType[]>('/api/v1/device-types').then(setTypes, setError), []);
  const typeName = (code: string) => {
    const ty = types.find((x) => x.code === code);
    return ty ? (locale === 'en-US' ? ty.en : ty.zh) : code;
  };

  const save = () =>
    form.validateFields().then(async (v: Record<string, unknown>) => {
      try {
        if (editing?.mode === 'create') {
          const r = await api.post<{ credentials: Credentials }>('/api/v1/devices', { ...v, ownerDepartment: v.ownerDepartment || undefined });
          setCreds([r.credentials]);
        } else if (editing?.mode === 'edit') {
          await api.patch(`/api/v1/devices/${encodeURIComponent(editing.device.id)}`, { name: v.name, lon: v.lon, lat: v.lat, enabled: v.enabled, ownerDepartment: v.ownerDepartment || null });
          void message.success(t('dev.common.saved'));
        }
        setEditing(null);
        load();
      } catch (err) {
        void message.error(te(err));
      }
    });

  const rotate = (d: Device) =>
    api.post<Credentials>(`/api/v1/devices/${encodeURIComponent(d.id)}/credentials`, {}).then((c) => (setCreds([c]), load()), (e: unknown) => void message.error(te(e)));

  const importFile = async (file: File) => {
    setRowErrors([]);
    try {
      const r = await postFile('/api/v1/devices/import', file);
      void message.success(t('devices.imported', { n: r.created }));
      load();
    } catch (err) {
      void message.error(te(err));
      const errs = err instanceof ApiError ? (err.body?.errors as unknown as { row: number; code: string; message: string }[] | undefined) : undefined;
      if (errs?.length && 'row' in errs[0]!) setRowErrors(errs);
    }
    return false;
  };

  const columns: TableColumnsType<Device> = [
    { title: t('devices.id'), dataIndex: 'id' },
    { title: t('devices.name'), dataIndex: 'name' },
    { title: t('devices.type'), dataIndex: 'type', render: typeName },
    { title: t('devices.grid'), dataIndex: 'gridCode' },
    { title: t('devices.online'), render: (_, d) => (!d.enabled ? <Tag>{t('devices.disabled')}</Tag> : d.online ? <Tag color="green">{t('devices.online')}</Tag> : <Tag color="default">{t('devices.offline')}</Tag>) },
    { title: t('devices.last_seen'), dataIndex: 'lastSeen', render: (s: string | null) => (s ? new Date(s).toLocaleString() : '') },
    {
      title: t('dev.common.actions'),
      render: (_, d) => (
        <Space size="small">
          <Button size="small" onClick={() => (form.resetFields(), form.setFieldsValue(d), setEditing({ mode: 'edit', device: d }))}>{t('devices.edit')}</Button>
          <Popconfirm title={t('devices.rotate_confirm')} onConfirm={() => void rotate(d)}>
            <Button size="small">{t('devices.rotate')}</Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  const points = (data?.items ?? []).filter((d) => d.lon !== null && d.lat !== null).map((d) => ({ id: d.id, lon: d.lon!, lat: d.lat!, color: !d.enabled ? '#8c8c8c' : d.online ? '#389e0d' : '#cf1322' }));

  // fit the map to the devices on this page
  const bounds: [number, number, number, number] | null = points.length
    ? [Math.min(...points.map((p) => p.lon)), Math.min(...points.map((p) => p.lat)), Math.max(...points.map((p) => p.lon)), Math.max(...points.map((p) => p.lat))]
    : null;

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>{t('devices.title')}</Typography.Title>
        <Space>
          <ExportButton path="/api/v1/devices" query={filter} name="devices" />
          <Button type="primary" onClick={() => (form.resetFields(), form.setFieldsValue({ protocol: 'mqtt' }), setEditing({ mode: 'create' }))}>{t('devices.create')}</Button>
        </Space>
      </Space>
      <Form name="device-filter" layout="inline" onFinish={(v: typeof filter) => (setPage(1), setFilter({ q: v.q || undefined, type: v.type, online: v.online }))}>
        <Form.Item name="q" label={t('devices.search')}>
          <Input style={{ width: 180 }} />
        </Form.Item>
        <Form.Item name="type" label={t('devices.type')}>
          <Select style={{ width: 180 }} allowClear options={types.map((ty) => ({ value: ty.code, label: typeName(ty.code) }))} />
        </Form.Item>
        <Form.Item name="online" label={t('devices.online')}>
          <Select style={{ width: 110 }} allowClear options={[{ value: 'true', label: t('devices.online') }, { value: 'false', label: t('devices.offline') }]} />
        </Form.Item>
        <Button htmlType="submit">{t('dev.common.search')}</Button>
      </Form>
      {error !== null && <Alert type="error" showIcon message={te(error)} />}
      <Card title={t('devices.import')}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">{t('devices.import_hint')}</Typography.Text>
          <Upload accept=".csv,.xlsx" showUploadList={false} beforeUpload={(f) => importFile(f)}>
            <Button>{t('devices.import')}</Button>
          </Upload>
          {rowErrors.length > 0 && (
            <Table
              data-testid="import-errors"
              rowKey={(r) => `${r.row}-${r.code}`}
              size="small"
              pagination={false}
              dataSource={rowErrors}
              columns={[
                { title: t('devices.row'), dataIndex: 'row', width: 80 },
                { title: t('devices.error'), render: (_, r) => te({ code: r.code, detail: r.message }) },
              ]}
            />
          )}
        </Space>
      </Card>
      <MapView height={300} points={points} bounds={bounds} label={t('devices.map')} />
      <Table<Device> rowKey="id" size="small" columns={columns} dataSource={data?.items ?? []} pagination={{ current: page, pageSize: 50, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }} />
      <Modal open={editing !== null} title={editing?.mode === 'create' ? t('devices.create') : t('devices.edit')} okText={t('dev.common.save')} cancelText={t('dev.common.cancel')} onOk={() => void save()} onCancel={() => setEditing(null)}>
        <Form name="device-edit" form={form} layout="vertical">
          {editing?.mode === 'create' && (
            <>
              <Form.Item name="id" label={t('devices.id')} rules={[{ required: true, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/ }]}>
                <Input />
              </Form.Item>
              <Form.Item name="type" label={t('devices.type')} rules={[{ required: true }]}>
                <Select options={types.map((ty) => ({ value: ty.code, label: typeName(ty.code) }))} />
              </Form.Item>
              <Form.Item name="protocol" label={t('devices.protocol')}>
                <Select options={[{ value: 'mqtt', label: 'MQTT' }, { value: 'http', label: 'HTTP' }]} />
              </Form.Item>
            </>
          )}
          <Form.Item name="name" label={t('devices.name')} rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Space>
            <Form.Item name="lon" label={t('devices.lon')} rules={[{ required: true }]}>
              <InputNumber min={-180} max={180} step={0.0001} style={{ width: 160 }} />
            </Form.Item>
            <Form.Item name="lat" label={t('devices.lat')} rules={[{ required: true }]}>
              <InputNumber min={-90} max={90} step={0.0001} style={{ width: 160 }} />
            </Form.Item>
          </Space>
          <Form.Item name="ownerDepartment" label={t('devices.owner')}>
            <Input maxLength={32} />
          </Form.Item>
          {editing?.mode === 'edit' && (
            <Form.Item name="enabled" label={t('devices.enabled')} valuePropName="checked">
              <Switch />
            </Form.Item>
          )}
        </Form>
      </Modal>
      <Modal open={creds !== null} title={t('devices.credentials')} footer={<Button type="primary" onClick={() => setCreds(null)}>OK</Button>} onCancel={() => setCreds(null)}>
        <Alert type="warning" showIcon message={t('dev.common.shown_once')} style={{ marginBottom: 12 }} />
        {creds?.map((c) => (
          <Descriptions key={c.username} column={1} size="small" bordered data-testid="device-credentials">
            <Descriptions.Item label={t('devices.username')}><Typography.Text copyable>{c.username}</Typography.Text></Descriptions.Item>
            <Descriptions.Item label={t('devices.password')}><Typography.Text copyable>{c.password}</Typography.Text></Descriptions.Item>
            <Descriptions.Item label={t('devices.token')}><Typography.Text copyable>{c.token}</Typography.Text></Descriptions.Item>
          </Descriptions>
        ))}
      </Modal>
    </Space>
  );
}
