import { Alert, Button, Card, Form, Input, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useSession } from '../auth/session.tsx';
import { useUiConfig } from '../auth/ui-config.tsx';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { homePath } from '../lib/nav.ts';
import { Link, navigate, useLocation } from '../router.tsx';

/** Staff sign-in; says why the user is here (session expired, signed out) and lists demo accounts in demo mode. */
export function LoginPage() {
  const { login } = useSession();
  const { t, te, locale, setLocale } = useLocale();
  const { search } = useLocation();
  const ui = useUiConfig();
  const [form] = Form.useForm<{ username: string; password: string }>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const reason = search.get('reason');
  const next = search.get('next');

  const onFinish = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const me = await login(v.username, v.password);
      // Only same-site paths: a crafted ?next= must not send a freshly signed-in clerk elsewhere.
      const target = next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : homePath(me.roles, me.permissions);
      navigate(target, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: 'linear-gradient(160deg,#0d3b7a,#1456b8)', padding: 16 }}>
      <Card style={{ width: 420, maxWidth: '100%' }}>
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline' }}>
            <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
              {t('app.name')}
            </Typography.Title>
            <Button type="link" size="small" onClick={() => setLocale(locale === 'zh-CN' ? 'en-US' : 'zh-CN')} aria-label={`${t('lang.switch')} · ${t('lang.switch_label')}`}>
              {t('lang.switch')}
            </Button>
          </div>
          <Typography.Text type="secondary">{t('app.subtitle')}</Typography.Text>
          <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
            {t('login.title')}
          </Typography.Title>
          {reason === 'expired' && <Alert type="warning" showIcon message={t('login.expired')} role="alert" />}
          {reason === 'signed_out' && <Alert type="info" showIcon message={t('login.signed_out')} />}
          {error !== null && <Alert type="error" showIcon message={te(error)} role="alert" data-testid="login-error" />}
          <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false}>
            <Form.Item label={t('login.username')} name="username" rules={[{ required: true, message: t('login.username') }]}>
              <Input autoComplete="username" autoFocus />
            </Form.Item>
            <Form.Item label={t('login.password')} name="password" rules={[{ required: true, message: t('login.password') }]}>
              <Input.Password autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('login.submit')}
            </Button>
          </Form>
          {ui.mode === 'demo' && ui.demoAccounts.length > 0 && (
            <section aria-labelledby="demo-accounts">
              <Typography.Text strong id="demo-accounts">
                {t('login.demo_title')}
              </Typography.Text>
              {ui.demoPassword && <Typography.Text type="secondary"> · {t('login.demo_password', { password: ui.demoPassword })}</Typography.Text>}
              <div style={{ marginTop: 8, display: 'flex', flexWrap: 'wrap', gap: 6 }}>
                {ui.demoAccounts.map((a) => (
                  <Button
                    key={a.username}
                    size="small"
                    onClick={() => form.setFieldsValue({ username: a.username, ...(ui.demoPassword ? { password: ui.demoPassword } : {}) })}
                  >
                    {a.username} <Tag style={{ marginInlineStart: 4, marginInlineEnd: 0 }}>{a.roles.map((r) => t(`role.${r}` as MessageKey)).join('/')}</Tag>
                  </Button>
                ))}
              </div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('login.demo_hint')}
              </Typography.Text>
            </section>
          )}
          <Link to="/portal">{t('login.portal_link')}</Link>
        </Space>
      </Card>
    </main>
  );
}
