import { Alert, Button, Card, Form, Input, List, Progress, Select, Space, Tabs, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { communityOf, type ConsultationItem, type Convention, type Meeting, type Page, type ParticipationResult, type ParticipationSpace, type Proposal } from '../../../shared/participation.ts';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { formatDateTime } from '../lib/format.ts';
import { Link } from '../router.tsx';
import { P, pcall, residentSession } from './participation-api.ts';
import { ParticipationMap } from './participation-map.tsx';
import { ParticipationVerify } from './participation-verify.tsx';

export const stateColor = { proposal: 'default', deliberation: 'blue', voting: 'green', closed: 'orange', published: 'purple' } as const;

/** 社区议事: my community's consultations, proposals (propose, support), results and meetings. */
export function ParticipationHome() {
  const { t, te, locale } = useLocale();
  const [session, setSession] = useState(residentSession());
  const community = session ? communityOf(session.resident.areas) : null;
  const [consultations, setConsultations] = useState<ConsultationItem[] | null>(null);
  const [proposals, setProposals] = useState<Proposal[]>([]);
  const [results, setResults] = useState<ParticipationResult[]>([]);
  const [spaces, setSpaces] = useState<ParticipationSpace[]>([]);
  const [conventions, setConventions] = useState<Convention[]>([]);
  const [meetings, setMeetings] = useState<Meeting[]>([]);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    const area = community?.code;
    Promise.all([
      pcall<Page<ConsultationItem>>('GET', `${P}/consultations`, { query: { area, pageSize: 50 } }),
      pcall<Page<Proposal>>('GET', `${P}/proposals`, { query: { area, pageSize: 50 } }),
      pcall<Page<ParticipationResult>>('GET', `${P}/results`, { query: { area, pageSize: 50 } }),
      pcall<{ items: ParticipationSpace[] }>('GET', `${P}/spaces`),
      pcall<{ items: Convention[] }>('GET', `${P}/conventions`, { query: { area } }),
      pcall<{ items: Meeting[] }>('GET', `${P}/meetings`, { query: { area } }),
    ])
      .then(([c, p, r, s, v, m]) => {
        setConventions(v.items);
        setMeetings(m.items);
        setConsultations(c.items);
        setProposals(p.items);
        setResults(r.items);
        setSpaces(s.items);
      })
      .catch(setError);
  }, [community?.code]);
  useEffect(load, [load]);

  const support = async (id: string) => {
    try {
      await pcall('POST', `${P}/proposals/${id}/supports`);
      load();
    } catch (err) {
      setError(err);
    }
  };
  const propose = async (v: { spaceId: string; title: string; body: string }) => {
    try {
      await pcall('POST', `${P}/proposals`, { body: v });
      load();
    } catch (err) {
      setError(err);
    }
  };
  const mySpaces = community ? spaces.filter((s) => session!.resident.areas.some((a) => a.code === s.area.code)) : [];

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: '1.6em', margin: 0 }}>
        {community ? t('part.my_community', { name: community.name }) : t('part.title')}
      </Typography.Title>
      <ParticipationVerify onDone={setSession} />
      {error !== null && <Alert type="error" showIcon role="alert" closable onClose={() => setError(null)} message={te(error)} />}
      <Tabs
        items={[
          {
            key: 'c',
            label: t('part.consultations'),
            children: (
              <List
                loading={consultations === null}
                dataSource={consultations ?? []}
                locale={{ emptyText: t('part.empty') }}
                renderItem={(c) => (
                  <Card size="small" style={{ marginBottom: 12 }} data-testid="consultation-card">
                    <Link to={`/portal/participation/consultations/${c.id}`} style={{ fontSize: '1.15em', fontWeight: 600 }}>
                      {c.title}
                    </Link>
                    <div style={{ marginTop: 6 }}>
                      <Tag color={stateColor[c.state]}>{t(`part.state.${c.state}` as MessageKey)}</Tag>
                      <Typography.Text type="secondary">
                        {c.area.name} · {t('part.vote_until', { at: formatDateTime(c.closesAt, locale) })}
                      </Typography.Text>
                    </div>
                  </Card>
                )}
              />
            ),
          },
          {
            key: 'map',
            label: t('part.map'),
            children: <ParticipationMap consultations={consultations ?? []} />,
          },
          {
            key: 'p',
            label: t('part.proposals'),
            children: (
              <Space direction="vertical" style={{ width: '100%' }}>
                {session && mySpaces.length > 0 && (
                  <Card size="small" title={t('part.propose')}>
                    <Form layout="vertical" onFinish={propose} initialValues={{ spaceId: mySpaces[0]!.id }}>
                      <Form.Item label={t('part.space')} name="spaceId" rules={[{ required: true }]}>
                        <Select options={mySpaces.map((s) => ({ value: s.id, label: s.title }))} />
                      </Form.Item>
                      <Form.Item label={t('part.proposal_title')} name="title" rules={[{ required: true, min: 4 }]}>
                        <Input maxLength={120} />
                      </Form.Item>
                      <Form.Item label={t('part.proposal_body')} name="body" rules={[{ required: true, min: 10 }]}>
                        <Input.TextArea rows={3} maxLength={4000} />
                      </Form.Item>
                      <Button type="primary" htmlType="submit">
                        {t('part.submit')}
                      </Button>
                    </Form>
                  </Card>
                )}
                {proposals.map((p) => (
                  <Card size="small" key={p.id}>
                    <Typography.Text strong>{p.title}</Typography.Text>
                    <Typography.Paragraph style={{ margin: '4px 0' }}>{p.body}</Typography.Paragraph>
                    <Typography.Text type="secondary">
                      {p.author} · {t('part.supports', { n: p.supports, threshold: p.threshold })}
                      {p.answerDueAt && !p.decision ? ` · ${t('part.answer_due', { at: formatDateTime(p.answerDueAt, locale) })}` : ''}
                    </Typography.Text>
                    {p.decision ? (
                      <Alert style={{ marginTop: 8 }} type={p.decision === 'reject' ? 'warning' : 'success'} message={t(`part.decision.${p.decision}` as MessageKey)} description={p.answer} />
                    ) : (
                      session && (
                        <div style={{ marginTop: 8 }}>
                          <Button onClick={() => void support(p.id)}>{t('part.support')}</Button>
                        </div>
                      )
                    )}
                  </Card>
                ))}
                {!session && <Alert type="info" message={t('part.need_verify')} />}
              </Space>
            ),
          },
          {
            key: 'r',
            label: t('part.results'),
            children: (
              <List
                dataSource={results}
                locale={{ emptyText: t('part.empty') }}
                renderItem={(r) => (
                  <Card size="small" style={{ marginBottom: 12 }}>
                    <Typography.Text strong>{r.title}</Typography.Text>
                    <Progress percent={r.progress} status={r.status === 'done' ? 'success' : 'active'} aria-label={t('part.progress', { pct: r.progress })} />
                    <Typography.Text type="secondary">
                      {t(`part.status.${r.status}` as MessageKey)} · {t('part.unit', { name: r.responsibleUnit.name })}
                    </Typography.Text>
                  </Card>
                )}
              />
            ),
          },
          {
            key: 'v',
            label: t('part.conventions'),
            children: (
              <List
                dataSource={conventions}
                locale={{ emptyText: t('part.empty') }}
                renderItem={(v) => (
                  <Card size="small" style={{ marginBottom: 12 }} title={v.title}>
                    {v.inForce ? (
                      <>
                        <Tag color="green">{t('part.in_force', { v: v.inForce.version })}</Tag>
                        <Typography.Paragraph style={{ marginTop: 8, whiteSpace: 'pre-wrap' }}>{v.inForce.body}</Typography.Paragraph>
                      </>
                    ) : (
                      <Typography.Text type="secondary">{t('part.empty')}</Typography.Text>
                    )}
                    {v.versions
                      .filter((x) => x.status === 'voting')
                      .map((x) => (
                        <Link key={x.id} to={`/portal/participation/consultations/${x.consultationId}`}>
                          {t('part.version_voting', { v: x.version })}
                        </Link>
                      ))}
                  </Card>
                )}
              />
            ),
          },
          {
            key: 'm',
            label: t('part.meetings'),
            children: (
              <List
                dataSource={meetings}
                locale={{ emptyText: t('part.empty') }}
                renderItem={(m) => (
                  <Card size="small" style={{ marginBottom: 12 }}>
                    <Typography.Text strong>{formatDateTime(m.startsAt, locale)}</Typography.Text> · {m.place}
                    <div>
                      <Link to={`/portal/participation/consultations/${m.consultationId}`}>{m.title}</Link>
                    </div>
                    {m.minutes && <Typography.Paragraph type="secondary">{`${t('part.minutes')}：${m.minutes}`}</Typography.Paragraph>}
                  </Card>
                )}
              />
            ),
          },
        ]}
      />
    </Space>
  );
}
