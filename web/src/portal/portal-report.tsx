import { AimOutlined, CameraOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Form, Input, Result, Space, Typography, Upload, type UploadFile } from 'antd';
import { useMemo, useState } from 'react';
import { upload } from '../api/client.ts';
import { useCity } from '../api/reference.ts';
import { MapView } from '../components/map-view.tsx';
import { useLocale } from '../i18n/locale.tsx';
import { isPlausiblePhone } from '../lib/format.ts';
import { bboxArea } from '../lib/map-data.ts';
import { currentPosition } from '../lib/geolocate.ts';
import { rememberToken } from '../lib/portal-tokens.ts';
import { Link } from '../router.tsx';

interface Values {
  text: string;
  address?: string;
  name?: string;
  phone?: string;
  email?: string;
  anonymous?: boolean;
}

/** 我要反映: a citizen's report with photos and a place, sent as one multipart request to the public intake. */
export function PortalReport() {
  const { t, te } = useLocale();
  const city = useCity();
  const cityArea = useMemo(() => bboxArea(city?.bbox, city?.name ?? ''), [city]);
  const [form] = Form.useForm<Values>();
  const anonymous = Form.useWatch('anonymous', form);
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [point, setPoint] = useState<[number, number] | null>(null);
  const [gpsFailed, setGpsFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ code: string; ratingToken: string; ratingCode?: string } | null>(null);

  const locate = async () => {
    setGpsFailed(false);
    try {
      setPoint(await currentPosition());
    } catch {
      setGpsFailed(true);
    }
  };

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    const body = new FormData();
    body.append('text', v.text.trim());
    if (point) {
      body.append('lon', String(point[0]));
      body.append('lat', String(point[1]));
    }
    if (v.address?.trim()) body.append('address', v.address.trim());
    if (v.anonymous) body.append('anonymous', 'true');
    else {
      if (v.name?.trim()) body.append('name', v.name.trim());
      if (v.phone?.trim()) body.append('phone', v.phone.replace(/[\s-]/g, ''));
      if (v.email?.trim()) body.append('email', v.email.trim());
    }
    for (const f of files) body.append('photo', f.originFileObj as Blob, f.name);
    try {
      const res = await upload<{ code: string; ratingToken: string; ratingCode: string }>('/api/v1/public/reports', body, undefined, { anonymous: true });
      rememberToken(res.code, res.ratingToken);
      setDone(res);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <Card>
        <Result
          status="success"
          title={<h1 style={{ fontSize: '1.4em', margin: 0 }}>{t('portal.submitted')}</h1>}
          subTitle={<span data-testid="portal-report-done">{t('portal.keep_code', { code: done.code, token: done.ratingToken })}{done.ratingCode && <><br /><b data-testid="portal-rating-code">{t('portal.rating_code_given', { code: done.ratingCode })}</b></>}</span>}
          extra={
            <Link to={`/portal/track/${done.code}`}>
              <Button type="primary" size="large">
                {t('portal.view_progress')}
              </Button>
            </Link>
          }
        />
      </Card>
    );
  }

  return (
    <Card>
      <Typography.Title level={1} style={{ fontSize: '1.5em' }}>
        {t('portal.report')}
      </Typography.Title>
      <Typography.Paragraph>{t('portal.report_intro')}</Typography.Paragraph>
      {error !== null && <Alert type="error" showIcon role="alert" style={{ marginBottom: 12 }} message={(error as { status?: number }).status === 404 ? t('portal.report_unavailable') : te(error)} />}
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} initialValues={{ anonymous: false }}>
        <Form.Item label={t('portal.what')} name="text" rules={[{ required: true, min: 2, message: t('error.case.empty_text') }]}>
          <Input.TextArea rows={4} maxLength={4000} showCount />
        </Form.Item>
        <Form.Item label={t('portal.photo')}>
          <Upload accept="image/jpeg,image/png" listType="picture" maxCount={3} multiple beforeUpload={() => false} fileList={files} onChange={({ fileList }) => setFiles(fileList.slice(0, 3))}>
            <Button icon={<CameraOutlined aria-hidden />} size="large">
              {t('case.photo_hint')}
            </Button>
          </Upload>
        </Form.Item>
        <fieldset style={{ border: 0, padding: 0, margin: '0 0 16px' }}>
          <legend style={{ fontSize: '1em', marginBottom: 8 }}>{t('portal.where')}</legend>
          <Space direction="vertical" style={{ width: '100%' }}>
            <Button icon={<AimOutlined aria-hidden />} size="large" onClick={() => void locate()}>
              {t('portal.use_location')}
            </Button>
            {gpsFailed && <Alert type="warning" showIcon message={t('portal.location_failed')} />}
            <MapView height={240} label={t('map.pick_point')} bounds={city?.bbox ?? null} areas={cityArea} picked={point} onPick={(lon, lat) => setPoint([lon, lat])} />
            <Typography.Text aria-live="polite">{point ? t('portal.location_set', { lon: point[0].toFixed(5), lat: point[1].toFixed(5) }) : t('map.pick_point')}</Typography.Text>
            <Form.Item label={t('portal.address')} name="address" style={{ marginBottom: 0 }}>
              <Input maxLength={300} autoComplete="street-address" />
            </Form.Item>
          </Space>
        </fieldset>
        <fieldset style={{ border: 0, padding: 0, margin: '0 0 16px' }}>
          <legend style={{ fontSize: '1em', marginBottom: 8 }}>{t('portal.contact')}</legend>
          <Form.Item name="anonymous" valuePropName="checked">
            <Checkbox>{t('portal.anonymous')}</Checkbox>
          </Form.Item>
          {!anonymous && (
            <>
              <Form.Item label={t('portal.name')} name="name">
                <Input maxLength={50} autoComplete="name" />
              </Form.Item>
              <Form.Item label={t('portal.phone')} name="phone" rules={[{ validator: async (_, v?: string) => (!v || isPlausiblePhone(v) ? undefined : Promise.reject(new Error(t('error.case.bad_phone')))) }]}>
                <Input inputMode="tel" autoComplete="tel" maxLength={20} />
              </Form.Item>
              <Form.Item label={t('portal.email')} name="email" rules={[{ type: 'email', message: t('portal.email') }]}>
                <Input inputMode="email" autoComplete="email" maxLength={200} />
              </Form.Item>
            </>
          )}
        </fieldset>
        <Button type="primary" htmlType="submit" size="large" block loading={busy}>
          {t('portal.submit')}
        </Button>
      </Form>
    </Card>
  );
}
