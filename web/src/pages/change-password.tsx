import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../api/client.ts';
import { useSession } from '../auth/session.tsx';
import { useLocale } from '../i18n/locale.tsx';

type Fields = { currentPassword: string; newPassword: string; repeat: string };

/**
 * 修改密码 at first sign-in: an admin set this password (new account or reset), so the API opens nothing else
 * until the user picks their own. Afterwards the console loads as usual.
 */
export function ChangePasswordPage() {
  const { t, te } = useLocale();
  const { me, logout } = useSession();
  const [form] = Form.useForm<Fields>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: Fields) => {
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/v1/auth/password', { currentPassword: v.currentPassword, newPassword: v.newPassword });
      // the session continues; reload so every screen sees the account without the one-time flag
      window.location.assign('/');
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <main style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: 'linear-gradient(160deg,#0d3b7a,#1456b8)', padding: 16 }}>
      <Card style={{ width: 440, maxWidth: '100%' }}>
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Typography.Title level={1} style={{ fontSize: 20, margin: 0 }}>
            {t('password.title')}
          </Typography.Title>
          <Alert type="info" showIcon message={t('password.required', { name: me?.displayName ?? '' })} />
          {error !== null && <Alert type="error" showIcon role="alert" message={te(error)} />}
          <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
            <Form.Item label={t('password.current')} name="currentPassword" rules={[{ required: true, message: t('password.current') }]}>
              <Input.Password autoComplete="current-password" autoFocus />
            </Form.Item>
            <Form.Item label={t('password.new')} name="newPassword" extra={t('users.password_rule')} rules={[{ required: true, min: 10, pattern: /(?=.*[A-Za-z])(?=.*[0-9])/, message: t('users.password_rule') }]}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Form.Item
              label={t('password.repeat')}
              name="repeat"
              dependencies={['newPassword']}
              rules={[{ required: true, message: t('password.repeat') }, ({ getFieldValue }) => ({ validator: (_, v) => (v === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch')))) })]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" loading={busy}>
                {t('password.submit')}
              </Button>
              <Button onClick={() => void logout()}>{t('user.logout')}</Button>
            </Space>
          </Form>
        </Space>
      </Card>
    </main>
  );
}
