import { Alert, Button, Card, Checkbox, Descriptions, Progress, Radio, Select, Space, Steps, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { ConsultationDetail } from '../../../shared/participation.ts';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { formatDateTime, formatPercent } from '../lib/format.ts';
import { P, pcall, residentSession } from './participation-api.ts';
import { stateColor } from './participation-home.tsx';
import { ParticipationVerify } from './participation-verify.tsx';

const stepOf = { proposal: 0, deliberation: 1, voting: 2, closed: 3, published: 3 } as const;

/** One consultation: background, timetable, meetings, the ballot (vote and change), and the published outcome. */
export function ParticipationConsultation({ id }: { id: string }) {
  const { t, te, locale } = useLocale();
  const [c, setC] = useState<ConsultationDetail | null>(null);
  const [mine, setMine] = useState<string[] | null>(null);
  const [choices, setChoices] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [session, setSession] = useState(residentSession());

  const load = useCallback(() => {
    pcall<ConsultationDetail>('GET', `${P}/consultations/${id}`).then(setC).catch(setError);
    if (residentSession())
      pcall<{ choices: string[] | null }>('GET', `${P}/consultations/${id}/votes/mine`)
        .then((v) => {
          setMine(v.choices);
          if (v.choices) setChoices(v.choices);
        })
        .catch(() => setMine(null));
  }, [id]);
  useEffect(load, [load, session]);

  const cast = async () => {
    setError(null);
    setSaved(false);
    try {
      if (mine) await pcall('PUT', `${P}/consultations/${id}/votes/mine`, { body: { choices } });
      else await pcall('POST', `${P}/consultations/${id}/votes`, { body: { choices } });
      setSaved(true);
      load();
    } catch (err) {
      setError(err);
    }
  };

  if (!c) return error ? <Alert type="error" showIcon role="alert" message={te(error)} /> : <Card loading />;
  const total = c.options.reduce((n, o) => n + (o.count ?? 0), 0);
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: '1.5em', margin: 0 }}>
        {c.title}
      </Typography.Title>
      <div>
        <Tag color={stateColor[c.state]} data-testid="consultation-state">
          {t(`part.state.${c.state}` as MessageKey)}
        </Tag>
        <Typography.Text type="secondary">{c.area.name}</Typography.Text>
      </div>
      <Card size="small" title={t('part.timetable')}>
        <Steps
          direction="vertical"
          size="small"
          current={stepOf[c.state]}
          items={[
            { title: t('part.step.proposal'), description: formatDateTime(c.timetable.proposalAt, locale) },
            { title: t('part.step.deliberation'), description: formatDateTime(c.timetable.deliberationAt, locale) },
            { title: t('part.step.vote'), description: `${formatDateTime(c.timetable.opensAt, locale)} – ${formatDateTime(c.closesAt, locale)}` },
            { title: t('part.step.result'), description: formatDateTime(c.timetable.resultAt, locale) },
          ]}
        />
      </Card>
      <Card size="small" title={t('part.background')}>
        <Typography.Paragraph>{c.background || c.topic}</Typography.Paragraph>
        <Descriptions column={1} size="small">
          {c.place && <Descriptions.Item label={t('part.place')}>{c.place}</Descriptions.Item>}
          {c.references.length > 0 && (
            <Descriptions.Item label={t('part.documents')}>
              {c.references.map((r) => (
                <a key={r.url} href={r.url} target="_blank" rel="noreferrer" style={{ marginRight: 8 }}>
                  {r.title}
                </a>
              ))}
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      {c.meetings.length > 0 && (
        <Card size="small" title={t('part.meetings')}>
          {c.meetings.map((m) => (
            <div key={m.id} style={{ marginBottom: 8 }}>
              <Typography.Text strong>{formatDateTime(m.startsAt, locale)}</Typography.Text> · {m.place}
              {m.minutes && <Typography.Paragraph type="secondary">{`${t('part.minutes')}：${m.minutes}`}</Typography.Paragraph>}
            </div>
          ))}
        </Card>
      )}
      {c.state === 'voting' && (
        <Card size="small" title={t('part.vote')}>
          {!session ? (
            <>
              <Alert type="info" showIcon message={t('part.need_verify')} style={{ marginBottom: 12 }} />
              <ParticipationVerify onDone={setSession} />
            </>
          ) : (
            <Space direction="vertical" style={{ width: '100%' }}>
              {mine && <Alert type="success" showIcon message={t('part.voted')} data-testid="voted" />}
              {c.kind === 'single' && (
                <Radio.Group value={choices[0]} onChange={(e) => setChoices([e.target.value as string])}>
                  <Space direction="vertical" size="middle">
                    {c.options.map((o) => (
                      <Radio key={o.id} value={o.id}>
                        <span style={{ fontSize: '1.05em' }}>{o.label}</span>
                      </Radio>
                    ))}
                  </Space>
                </Radio.Group>
              )}
              {c.kind === 'multiple' && (
                <Checkbox.Group value={choices} onChange={(v) => setChoices(v as string[])} options={c.options.map((o) => ({ value: o.id, label: o.label }))} style={{ display: 'flex', flexDirection: 'column', gap: 12 }} />
              )}
              {c.kind === 'ranking' && (
                <Select mode="multiple" value={choices} onChange={setChoices} options={c.options.map((o) => ({ value: o.id, label: o.label }))} style={{ width: '100%' }} />
              )}
              <Button type="primary" size="large" block disabled={choices.length === 0} onClick={() => void cast()} data-testid="cast-vote">
                {mine ? t('part.change_vote') : t('part.vote')}
              </Button>
              {saved && <Typography.Text type="success">{t('part.done_ok')}</Typography.Text>}
            </Space>
          )}
        </Card>
      )}
      {error !== null && <Alert type="error" showIcon role="alert" message={te(error)} />}
      <Card size="small" title={t('part.outcome')}>
        {c.results ? (
          <Space direction="vertical" style={{ width: '100%' }}>
            {c.outcome && <Typography.Paragraph strong>{c.outcome}</Typography.Paragraph>}
            {c.options.map((o) => (
              <div key={o.id}>
                {o.label}
                <Progress percent={total ? Math.round(((o.count ?? 0) / total) * 100) : 0} format={() => String(o.count ?? 0)} />
              </div>
            ))}
            <Typography.Text type="secondary">{t('part.turnout', { ballots: c.results.ballots, eligible: c.results.eligible, pct: formatPercent(c.results.turnout) })}</Typography.Text>
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('part.results_hidden')}</Typography.Text>
        )}
      </Card>
    </Space>
  );
}
