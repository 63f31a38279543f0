import { Alert, Button, Card, Form, Input, Radio } from 'antd';
import { useState } from 'react';
import { api } from '../api/client.ts';
import type { PublicCase } from '../api/types.ts';
import { useLocale } from '../i18n/locale.tsx';

/** 评价 with the six-digit rating code and the phone given at intake: what an SMS or a phone call can carry. */
export function RateByCode({ code, onRated, bare = false }: { code: string; onRated: (c: PublicCase) => void; bare?: boolean }) {
  const { t, te } = useLocale();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const rate = async (v: { ratingCode: string; phone?: string; rating: string; comment?: string }) => {
    setBusy(true);
    setError(null);
    try {
      onRated(await api.post<PublicCase>(`/api/v1/public/cases/${code}/rating-code`, { ratingCode: v.ratingCode.trim(), rating: v.rating, ...(v.phone?.trim() ? { phone: v.phone.replace(/[\s-]/g, '') } : {}), ...(v.comment?.trim() ? { comment: v.comment.trim() } : {}) }, { anonymous: true }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const form = (
      <Form layout="vertical" onFinish={(v) => void rate(v)}>
        {error !== null && <Alert type="error" showIcon role="alert" message={te(error)} style={{ marginBottom: 12 }} />}
        <Form.Item label={t('portal.rating_code')} name="ratingCode" extra={t('portal.rating_code_help')} rules={[{ required: true, pattern: /^[0-9]{6}$/, message: t('portal.rating_code_help') }]}>
          <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} size="large" data-testid="rate-code" />
        </Form.Item>
        <Form.Item label={t('portal.rating_phone')} name="phone">
          <Input inputMode="tel" autoComplete="tel" maxLength={20} size="large" />
        </Form.Item>
        <Form.Item label={t('field.rating')} name="rating" rules={[{ required: true, message: t('error.case.rating_required') }]}>
          <Radio.Group size="large" optionType="button" buttonStyle="solid" options={(['satisfied', 'basically_satisfied', 'unsatisfied'] as const).map((r) => ({ value: r, label: t(`rating.${r}`) }))} />
        </Form.Item>
        <Button type="primary" htmlType="submit" size="large" loading={busy}>
          {t('portal.rate')}
        </Button>
      </Form>
  );
  return bare ? form : <Card title={<h2 style={{ fontSize: '1em', margin: 0 }}>{t('portal.rate_by_code')}</h2>}>{form}</Card>;
}
