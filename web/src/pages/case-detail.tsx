import { districtOf, useAreaNames } from '../api/areas.ts';
import { Alert, App, Button, Card, Col, Descriptions, Input, Modal, Row, Skeleton, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, type Page } from '../api/client.ts';
import { useCaseFeed } from '../api/live.ts';
import { categoryName, departmentName, useDepartments, useTaxonomy } from '../api/reference.ts';
import type { CaseDetail } from '../api/types.ts';
import { useSession } from '../auth/session.tsx';
import { AttachmentList } from '../components/attachment-list.tsx';
import { CaseActionModal } from '../components/case-action-modal.tsx';
import { CardTag, DeadlineClock, StateTag } from '../components/case-bits.tsx';
import { CaseTimeline } from '../components/case-timeline.tsx';
import { MapView } from '../components/map-view.tsx';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { actionsFor, actionSpec } from '../lib/case-actions.ts';
import { formatDateTime } from '../lib/format.ts';
import { boundsOf, type AreaCollection } from '../lib/map-data.ts';
import { Link } from '../router.tsx';

/** Past these the handling clock means nothing any more; the closing time is in the timeline. */
const finishedStates = new Set(['closed', 'rated', 'rejected', 'void', 'merged']);

interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  requestId: string | null;
}

/** One case: what was asked, where, who has it, how long is left, every step so far, files and audit trail. */
export function CaseDetailPage({ code }: { code: string }) {
  const { t, te, locale } = useLocale();
  const { me, can } = useSession();
  const { message } = App.useApp();
  const taxonomy = useTaxonomy();
  const departments = useDepartments();
  const [c, setCase] = useState<CaseDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [action, setAction] = useState<string | null>(null);
  const [audit, setAudit] = useState<AuditEntry[] | null>(null);
  const [revealOpen, setRevealOpen] = useState(false);
  const [purpose, setPurpose] = useState('');
  const [clear, setClear] = useState<{ name: string | null; phone: string | null; email: string | null } | null>(null);

  const [grid, setGrid] = useState<AreaCollection | null>(null);
  const gridCode = c?.location.gridCode ?? null;
  const areaNames = useAreaNames([gridCode], can('org.read'));
  const gridArea = gridCode ? areaNames.get(gridCode) : undefined;
  const districtName = areaNames.get(districtOf(gridArea) ?? '')?.name;
  useEffect(() => {
    if (!gridCode) return;
    api.get<AreaCollection>('/api/v1/geo/areas.geojson', { within: gridCode, level: 'grid' }).then(setGrid).catch(() => setGrid(null));
  }, [gridCode]);

  const load = useCallback(() => {
    api
      .get<CaseDetail>(`/api/v1/cases/${code}`)
      .then((d) => (setCase(d), setError(null)))
      .catch(setError);
    if (can('audit.read')) {
      api
        .get<Page<AuditEntry>>('/api/v1/audit', { targetType: 'case', targetId: code, pageSize: 100 })
        .then((p) => setAudit(p.items))
        .catch(() => setAudit(null));
    }
  }, [code, can]);
  useEffect(load, [load]);
  useCaseFeed(load);

  if (error !== null && !c) return <Alert type="error" showIcon role="alert" message={te(error)} />;
  if (!c || !me) return <Skeleton active />;

  const actions = actionsFor(c, me);
  const reveal = async () => {
    try {
      setClear(await api.post(`/api/v1/cases/${code}/reporter/reveal`, { purpose }));
      setRevealOpen(false);
    } catch (err) {
      void message.error(te(err));
    }
  };
  const reporter = c.reporter.anonymous ? t('detail.reporter_hidden') : [clear?.name ?? c.reporter.name, clear?.phone ?? c.reporter.phone, clear?.email ?? c.reporter.email].filter(Boolean).join(' · ') || '—';
  const point: [number, number] | null = c.location.lon !== null && c.location.lat !== null ? [c.location.lon, c.location.lat] : null;

  return (
    <div>
      <Space wrap align="center" style={{ marginBottom: 12 }}>
        <Typography.Title level={2} className="page-title" style={{ fontSize: 20, margin: 0 }} data-testid="case-code">
          {t('field.code')} {c.code}
        </Typography.Title>
        <StateTag state={c.state} />
        {c.urgent && <Tag color="red">{t('field.urgent')}</Tag>}
        <CardTag card={c.supervision} />
        {!finishedStates.has(c.state) && <DeadlineClock deadline={{ dueAt: c.deadlines.dueAt, yellowAt: c.deadlines.yellowAt, pausedSince: c.deadlines.pausedSince, supervision: c.supervision }} />}
      </Space>
      <Card size="small" title={t('case.allowed_next')} style={{ marginBottom: 12 }}>
        {actions.length === 0 ? (
          <Typography.Text type="secondary">{t('case.no_actions')}</Typography.Text>
        ) : (
          <Space wrap>
            {actions.map((a) => (
              <Button key={a} danger={actionSpec(a).danger} type={actionSpec(a).danger ? 'default' : 'primary'} onClick={() => setAction(a)} data-testid={`action-${a}`}>
                {t(`action.${a}` as MessageKey)}
              </Button>
            ))}
          </Space>
        )}
      </Card>
      <Row gutter={12}>
        <Col xs={24} lg={14}>
          <Card size="small" style={{ marginBottom: 12 }}>
            <Descriptions column={{ xs: 1, sm: 2 }} size="small" bordered>
              <Descriptions.Item label={t('field.text')} span={2}>
                <span data-testid="case-text">{c.text}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('field.category')}>{categoryName(taxonomy.categories, c.category?.code, locale)}</Descriptions.Item>
              <Descriptions.Item label={t('field.nature')}>{c.nature ? t(`nature.${c.nature}` as MessageKey) : '—'}</Descriptions.Item>
              <Descriptions.Item label={t('field.channel')}>{t(`channel.${c.channel}` as MessageKey)}</Descriptions.Item>
              <Descriptions.Item label={t('field.created_at')}>{formatDateTime(c.createdAt, locale)}</Descriptions.Item>
              <Descriptions.Item label={t('field.reporter')}>
                {reporter}{' '}
                {!c.reporter.anonymous && !clear && can('case.reveal') && (c.reporter.phone || c.reporter.name) && (
                  <Button size="small" type="link" onClick={() => setRevealOpen(true)}>
                    {t('case.reveal')}
                  </Button>
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('field.address')}>{c.location.address ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('field.grid')}>
                {c.location.gridCode ? (
                  <span data-testid="grid-name" title={c.location.gridCode}>
                    {[districtName, gridArea?.name ?? grid?.features[0]?.properties.name ?? c.location.gridCode].filter(Boolean).join(' · ')}
                  </span>
                ) : (
                  t('detail.not_located')
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('field.department')}>{departmentName(departments, c.department.main, locale)}</Descriptions.Item>
              <Descriptions.Item label={t('field.co_departments')}>{c.department.co.map((d) => departmentName(departments, d, locale)).join('、') || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('field.deadline')}>{formatDateTime(c.deadlines.dueAt, locale)}</Descriptions.Item>
              {c.mergedInto && (
                <Descriptions.Item label={t('field.merged_into')}>
                  <Link to={`/cases/${c.mergedInto}`}>{c.mergedInto}</Link>
                </Descriptions.Item>
              )}
              {c.answer && (
                <Descriptions.Item label={t('field.answer')} span={2}>
                  <span data-testid="case-answer">{c.answer}</span>
                </Descriptions.Item>
              )}
              {c.rating && (
                <Descriptions.Item label={t('field.rating')} span={2}>
                  {t(`rating.${c.rating.value}`)} {c.rating.comment && `· ${c.rating.comment}`}
                </Descriptions.Item>
              )}
            </Descriptions>
          </Card>
          <Card size="small" title={t('field.timeline')} style={{ marginBottom: 12 }}>
            <CaseTimeline events={c.timeline} />
          </Card>
          {c.objections.length > 0 && (
            <Card size="small" title={t('field.objections')} style={{ marginBottom: 12 }}>
              {c.objections.map((o, i) => (
                <div key={i}>
                  {formatDateTime(o.at, locale)} · {departmentName(departments, o.department, locale)} · {o.by}: {o.reason}
                  {o.redispatchedTo && ` → ${departmentName(departments, o.redispatchedTo, locale)}`}
                </div>
              ))}
            </Card>
          )}
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('field.location')} style={{ marginBottom: 12 }}>
            {point ? <MapView height={240} label={t('field.location')} picked={point} areas={grid} bounds={boundsOf(grid) ?? [point[0] - 0.01, point[1] - 0.007, point[0] + 0.01, point[1] + 0.007]} /> : <Typography.Text type="secondary">{t('detail.not_located')}</Typography.Text>}
          </Card>
          <Card size="small" title={t('field.attachments')} style={{ marginBottom: 12 }}>
            <AttachmentList code={c.code} attachments={c.attachments} />
          </Card>
          <Card size="small" title={t('field.audit')}>
            {audit === null ? (
              <Typography.Text type="secondary">{t('case.audit_none')}</Typography.Text>
            ) : (
              <Table<AuditEntry>
                size="small"
                rowKey="seq"
                pagination={false}
                dataSource={audit}
                columns={[
                  { title: '#', dataIndex: 'seq', width: 70 },
                  { title: t('audit.at'), dataIndex: 'at', render: (v: string) => formatDateTime(v, locale) },
                  { title: t('audit.actor'), dataIndex: 'actor' },
                  { title: t('audit.action'), dataIndex: 'action' },
                ]}
              />
            )}
          </Card>
        </Col>
      </Row>
      <CaseActionModal
        target={action ? c : null}
        action={action}
        onClose={() => setAction(null)}
        onDone={(updated) => {
          void message.success(t('action.done', { action: t(`action.${action}` as MessageKey) }));
          setAction(null);
          setCase(updated);
          load();
        }}
      />
      <Modal open={revealOpen} title={t('case.reveal')} onOk={() => void reveal()} onCancel={() => setRevealOpen(false)} okButtonProps={{ disabled: purpose.trim().length < 4 }}>
        <label htmlFor="reveal-purpose">{t('case.reveal_purpose')}</label>
        <Input id="reveal-purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)} maxLength={200} />
      </Modal>
    </div>
  );
}
