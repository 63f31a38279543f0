import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import type { ResidentSession } from '../../../shared/participation.ts';
import { useLocale } from '../i18n/locale.tsx';
import { P, pcall, residentSession, setResidentSession } from './participation-api.ts';

/** 居民认证 by a one-time code sent to the phone registered with the ID number; the name is never shown. */
export function ParticipationVerify({ onDone }: { onDone?: (s: ResidentSession) => void }) {
  const { t, te } = useLocale();
  const [form] = Form.useForm();
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [session, setSession] = useState(residentSession());

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const send = () =>
    run(async () => {
      const v = await form.validateFields(['idNumber', 'phone']);
      await pcall(`POST`, `${P}/residents/code`, { body: { idNumber: v.idNumber.trim(), phone: v.phone.trim() } });
      setSent(true);
    });
  const confirm = (v: { idNumber: string; phone: string; code: string; nickname?: string }) =>
    run(async () => {
      const s = await pcall<ResidentSession>('POST', `${P}/residents/verify`, { body: { idNumber: v.idNumber.trim(), phone: v.phone.trim(), code: v.code.trim(), ...(v.nickname?.trim() ? { nickname: v.nickname.trim() } : {}) } });
      setResidentSession(s);
      setSession(s);
      onDone?.(s);
    });

  if (session) {
    return (
      <Card data-testid="resident-verified">
        <Space wrap>
          <Typography.Text strong>{t('part.verified_as', { name: session.resident.displayName })}</Typography.Text>
          <Button
            onClick={() => {
              setResidentSession(null);
              setSession(null);
            }}
          >
            {t('part.sign_out')}
          </Button>
        </Space>
      </Card>
    );
  }
  return (
    <Card>
      <Typography.Title level={2} style={{ fontSize: '1.3em' }}>
        {t('part.verify')}
      </Typography.Title>
      <Typography.Paragraph>{t('part.verify_intro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={confirm}>
        <Form.Item label={t('part.id_number')} name="idNumber" rules={[{ required: true }]}>
          <Input size="large" autoComplete="off" maxLength={18} />
        </Form.Item>
        <Form.Item label={t('part.phone')} name="phone" rules={[{ required: true }]}>
          <Input size="large" inputMode="tel" autoComplete="tel" maxLength={13} />
        </Form.Item>
        <Button size="large" onClick={send} loading={busy && !sent} data-testid="send-code">
          {t('part.send_code')}
        </Button>
        {sent && (
          <>
            <Alert style={{ margin: '12px 0' }} type="info" showIcon message={t('part.code_sent')} />
            <Form.Item label={t('part.code')} name="code" rules={[{ required: true, pattern: /^\s*\d{6}\s*$/ }]}>
              <Input size="large" inputMode="numeric" autoComplete="one-time-code" maxLength={6} />
            </Form.Item>
            <Form.Item label={t('part.nickname')} name="nickname">
              <Input size="large" maxLength={20} />
            </Form.Item>
            <Button type="primary" size="large" htmlType="submit" loading={busy}>
              {t('part.confirm')}
            </Button>
          </>
        )}
        {error !== null && <Alert style={{ marginTop: 12 }} type="error" showIcon role="alert" message={te(error)} />}
      </Form>
    </Card>
  );
}
