import { CheckCircleFilled } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Form, Image, Input, Radio, Result, Space, Steps, Tabs, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, type ApiError } from '../api/client.ts';
import type { PublicCase } from '../api/types.ts';
import { isMessageKey, type MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { formatDateTime } from '../lib/format.ts';
import { rememberedToken } from '../lib/portal-tokens.ts';
import { RateByCode } from './notify-rate-code.tsx';
import { Link } from '../router.tsx';
import { TrackForm } from './portal-home.tsx';

/** A case as the public sees it (no personal data): progress, outcome, photos, and the rating form. */
export function PortalTrack({ code }: { code: string }) {
  const { t, te, locale } = useLocale();
  const [c, setCase] = useState<PublicCase | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [rateError, setRateError] = useState<unknown>(null);

  const load = useCallback(() => {
    setError(null);
    api
      .get<PublicCase>(`/api/v1/public/cases/${encodeURIComponent(code)}`, undefined, { anonymous: true })
      .then(setCase)
      .catch(setError);
  }, [code]);
  useEffect(load, [load]);

  const rate = async (v: { ratingToken: string; rating: string; comment?: string }) => {
    setBusy(true);
    setRateError(null);
    try {
      setCase(await api.post<PublicCase>(`/api/v1/public/cases/${code}/rating`, { ratingToken: v.ratingToken.trim(), rating: v.rating, ...(v.comment?.trim() ? { comment: v.comment.trim() } : {}) }, { anonymous: true }));
    } catch (err) {
      setRateError(err);
    } finally {
      setBusy(false);
    }
  };

  if (error !== null) {
    const notFound = (error as ApiError).status === 404 || (error as ApiError).status === 400;
    return (
      <Space direction="vertical" style={{ width: '100%' }}>
        <Alert type="warning" showIcon role="alert" message={notFound ? t('portal.not_found') : te(error)} />
        <Card>
          <TrackForm initial={code} />
        </Card>
      </Space>
    );
  }
  if (!c) return <Card loading />;
  const en = locale === 'en-US';

  const stateLabel = (s: string, fallback: string) => (isMessageKey(`state.${s}`) ? t(`state.${s}` as MessageKey) : fallback);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: '1.5em', margin: 0 }}>
        {t('portal.code_label')} {c.code}
      </Typography.Title>
      <Card>
        <Descriptions column={1} size="middle" bordered>
          <Descriptions.Item label={t('portal.state')}>
            <strong data-testid="portal-state">{stateLabel(c.state, c.stateName)}</strong>
          </Descriptions.Item>
          {c.category && <Descriptions.Item label={t('field.category')}>{en ? c.category.nameEn : c.category.name}</Descriptions.Item>}
          {c.department && <Descriptions.Item label={t('portal.department')}>{en ? c.department.nameEn : c.department.name}</Descriptions.Item>}
          <Descriptions.Item label={t('portal.created')}>{formatDateTime(c.createdAt, locale)}</Descriptions.Item>
          {c.expectedAt && !c.closedAt && <Descriptions.Item label={t('portal.expected')}>{formatDateTime(c.expectedAt, locale)}</Descriptions.Item>}
          {c.closedAt && <Descriptions.Item label={t('portal.closed')}>{formatDateTime(c.closedAt, locale)}</Descriptions.Item>}
          {c.answer && (
            <Descriptions.Item label={t('portal.answer')}>
              <span data-testid="portal-answer">{c.answer}</span>
            </Descriptions.Item>
          )}
        </Descriptions>
        {c.mergedInto && (
          <Alert
            style={{ marginTop: 12 }}
            type="info"
            showIcon
            message={
              <>
                {t('portal.merged', { code: c.mergedInto })} <Link to={`/portal/track/${c.mergedInto}`}>{c.mergedInto}</Link>
              </>
            }
          />
        )}
      </Card>
      {c.photos.length > 0 && (
        <Card title={<h2 style={{ fontSize: '1em', margin: 0 }}>{t('portal.photos')}</h2>}>
          <Image.PreviewGroup>
            <Space wrap>
              {c.photos.map((id, i) => (
                <Image key={id} width={120} src={`/api/v1/public/cases/${c.code}/photos/${id}`} alt={t('portal.photo_alt', { code: c.code, n: i + 1 })} />
              ))}
            </Space>
          </Image.PreviewGroup>
        </Card>
      )}
      <Card title={<h2 style={{ fontSize: '1em', margin: 0 }}>{t('portal.progress')}</h2>}>
        {/* Steps taken are done (✓); the last is where the case stands: done too once it is closed or rated. */}
        <Steps
          direction="vertical"
          size="small"
          data-testid="portal-steps"
          current={c.timeline.length - 1}
          items={c.timeline.map((e, i) => {
            const finished = i < c.timeline.length - 1 || ['closed', 'rated', 'void', 'merged'].includes(c.state);
            return {
              status: finished ? ('finish' as const) : ('process' as const),
              icon: finished ? <CheckCircleFilled aria-label={t('portal.step.done')} style={{ color: '#237804' }} /> : undefined,
              title: isMessageKey(`action.${e.action}`) ? t(`action.${e.action}` as MessageKey) : e.stateName,
              description: `${stateLabel(e.state, e.stateName)} · ${formatDateTime(e.at, locale)}${finished ? '' : ` · ${t('portal.step.current')}`}`,
            };
          })}
        />
      </Card>
      <Card title={<h2 style={{ fontSize: '1em', margin: 0 }}>{t('portal.rate_title')}</h2>}>
        {c.rating ? (
          <Result status="success" title={<span data-testid="portal-rated">{t('portal.rated', { rating: t(`rating.${c.rating}`) })}</span>} />
        ) : c.state !== 'closed' || c.mergedInto ? (
          <Typography.Text>{t('portal.not_ready_to_rate')}</Typography.Text>
        ) : (
          // the 6-digit code (read out by the clerk, sent by SMS) is what most people have; this device's
          // token, remembered after a portal report, is the other way in
          <Tabs
            destroyOnHidden
            defaultActiveKey={rememberedToken(c.code) ? 'token' : 'code'}
            items={[
              { key: 'code', label: t('portal.rate_by_code'), children: <RateByCode bare code={c.code} onRated={setCase} /> },
              {
                key: 'token',
                label: t('portal.rate_by_token'),
                children: (
                  <Form layout="vertical" onFinish={(v) => void rate(v)} initialValues={{ ratingToken: rememberedToken(c.code) ?? '' }}>
                    {rateError !== null && <Alert type="error" showIcon role="alert" message={te(rateError)} style={{ marginBottom: 12 }} />}
                    <Form.Item label={t('portal.rating_token')} name="ratingToken" extra={t('portal.rating_token_help')} rules={[{ required: true, min: 10, message: t('portal.rating_token_help') }]}>
                      <Input autoComplete="off" size="large" />
                    </Form.Item>
                    <Form.Item label={t('field.rating')} name="rating" rules={[{ required: true, message: t('error.case.rating_required') }]}>
                      <Radio.Group size="large" optionType="button" buttonStyle="solid" options={(['satisfied', 'basically_satisfied', 'unsatisfied'] as const).map((r) => ({ value: r, label: t(`rating.${r}`) }))} />
                    </Form.Item>
                    <Form.Item label={t('portal.comment')} name="comment">
                      <Input.TextArea rows={3} maxLength={1000} />
                    </Form.Item>
                    <Button type="primary" htmlType="submit" size="large" loading={busy}>
                      {t('portal.rate')}
                    </Button>
                  </Form>
                ),
              },
            ]}
          />
        )}
      </Card>
    </Space>
  );
}
