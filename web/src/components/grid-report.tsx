import { AimOutlined, CameraOutlined } from '@ant-design/icons';
import { Alert, App, Button, Form, Input, Select, Space, Typography, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import { api, upload } from '../api/client.ts';
import { categoryName, useTaxonomy } from '../api/reference.ts';
import type { IntakeResult } from '../api/types.ts';
import { useLocale } from '../i18n/locale.tsx';
import { currentPosition } from '../lib/geolocate.ts';
import { MapView } from './map-view.tsx';

/**
 * 上报: a grid worker's patrol report from the phone — what, a photo, and where (GPS or a tap on the map).
 * The case is created first, then the photos are attached to it.
 */
export function GridReport({ bounds, onReported }: { bounds: [number, number, number, number] | null; onReported?: (code: string) => void }) {
  const { t, te, locale } = useLocale();
  const { message } = App.useApp();
  const taxonomy = useTaxonomy();
  const [form] = Form.useForm<{ text: string; category?: string }>();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [point, setPoint] = useState<[number, number] | null>(null);
  const [gpsError, setGpsError] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const locate = async () => {
    setGpsError(false);
    try {
      setPoint(await currentPosition());
    } catch {
      setGpsError(true);
    }
  };

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<IntakeResult>('/api/v1/cases', { channel: 'gridworker', text: v.text.trim(), ...(v.category ? { category: v.category } : {}), ...(point ? { lon: point[0], lat: point[1] } : {}) });
      for (const f of files) {
        const body = new FormData();
        body.append('file', f.originFileObj as Blob, f.name);
        await upload(`/api/v1/cases/${created.code}/attachments`, body);
      }
      void message.success(t('grid.reported', { code: created.code }));
      form.resetFields();
      setFiles([]);
      setPoint(null);
      onReported?.(created.code);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={() => void submit()}>
      {error !== null && <Alert type="error" showIcon role="alert" message={te(error)} style={{ marginBottom: 12 }} />}
      <Form.Item label={t('field.text')} name="text" rules={[{ required: true, min: 2, message: t('error.case.empty_text') }]}>
        <Input.TextArea rows={3} maxLength={4000} />
      </Form.Item>
      <Form.Item label={t('field.category')} name="category">
        <Select showSearch allowClear optionFilterProp="label" options={taxonomy.categories.map((c) => ({ value: c.code, label: categoryName(taxonomy.categories, c.code, locale) }))} />
      </Form.Item>
      <Form.Item label={t('field.photos')}>
        <Upload accept="image/jpeg,image/png" capture="environment" listType="picture" fileList={files} beforeUpload={() => false} onChange={({ fileList }) => setFiles(fileList)}>
          <Button icon={<CameraOutlined aria-hidden />} size="large">
            {t('case.photo_hint')}
          </Button>
        </Upload>
      </Form.Item>
      <Form.Item label={t('field.location')}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Button icon={<AimOutlined aria-hidden />} size="large" onClick={() => void locate()}>
            {t('grid.use_gps')}
          </Button>
          {gpsError && <Alert type="warning" showIcon message={t('grid.gps_denied')} />}
          <MapView height={220} label={t('map.pick_point')} bounds={bounds} picked={point} onPick={(lon, lat) => setPoint([lon, lat])} />
          <Typography.Text type="secondary">{point ? `${point[0].toFixed(5)}, ${point[1].toFixed(5)}` : t('map.pick_point')}</Typography.Text>
        </Space>
      </Form.Item>
      <Button type="primary" htmlType="submit" size="large" block loading={busy}>
        {t('common.submit')}
      </Button>
    </Form>
  );
}
