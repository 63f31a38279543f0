import { Alert, Button, Card, Form, Input, Select, Space, Table, Tabs, Tag, Typography, message } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { ConsultationItem, InboxItem, Page, ParticipationSpace, Proposal } from '../../../shared/participation.ts';
import { api } from '../api/client.ts';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { formatDateTime } from '../lib/format.ts';
import { FormModal } from '../components/form-modal.tsx';
import { ConsultationDrawer, stateColor } from './participation-console-drawer.tsx';
import { ConsultationModal, S, SpaceModal, UnitSelect } from './participation-console-forms.tsx';
import { ConventionsTab, ModerationTab, ResultsTab } from './participation-console-work.tsx';

interface Answer {
  decision: 'work' | 'case' | 'consultation' | 'reject';
  answer: string;
  responsibleUnit?: string;
}

/**
 * 协商议事 for organisers: proposals awaiting an answer (with deadlines); spaces and consultations to open, run,
 * close and publish (detail in a drawer: tally, meetings, comments); outcomes' progress; conventions; moderation.
 */
export function ParticipationConsolePage() {
  const { t, te, locale } = useLocale();
  const [inbox, setInbox] = useState<InboxItem[] | null>(null);
  const [consultations, setConsultations] = useState<ConsultationItem[] | null>(null);
  const [spaces, setSpaces] = useState<ParticipationSpace[]>([]);
  const [spaceFilter, setSpaceFilter] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [answering, setAnswering] = useState<InboxItem | null>(null);
  const [publishing, setPublishing] = useState<ConsultationItem | null>(null);
  const [creating, setCreating] = useState<'space' | 'consultation' | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [converting, setConverting] = useState<{ proposal: InboxItem; answer: string; responsibleUnit?: string } | null>(null);

  const load = useCallback(() => {
    api.get<{ items: InboxItem[] }>(`${S}/inbox`).then((r) => setInbox(r.items)).catch(setError);
    api.get<Page<ConsultationItem>>(`${S}/consultations`, { pageSize: 100, space: spaceFilter }).then((r) => setConsultations(r.items)).catch(setError);
    api.get<{ items: ParticipationSpace[] }>(`${S}/spaces`).then((r) => setSpaces(r.items)).catch(setError);
  }, [spaceFilter]);
  useEffect(load, [load]);

  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      void message.success(t('part.done_ok'));
      setAnswering(null);
      setPublishing(null);
      load();
    } catch (err) {
      setError(err);
    }
  };

  const inboxTable = (
    <Table<InboxItem>
      rowKey="id"
      loading={inbox === null}
      dataSource={inbox ?? []}
      pagination={false}
      columns={[
        { title: t('part.proposal_title'), dataIndex: 'title' },
        { title: t('part.space'), render: (_, p) => p.area.name },
        { title: t('part.supports', { n: '', threshold: '' }).replace(/\s*\/\s*$/, ''), render: (_, p) => `${p.supports}/${p.threshold}` },
        { title: t('part.answer_due', { at: '' }), render: (_, p) => <Tag color={p.overdue ? 'red' : p.daysLeft < 3 ? 'orange' : 'blue'}>{p.overdue ? t('part.overdue') : `${formatDateTime(p.answerDueAt, locale)} · ${t('part.days_left', { n: p.daysLeft })}`}</Tag> },
        { title: '', render: (_, p) => <Button onClick={() => setAnswering(p)}>{t('part.answer')}</Button> },
      ]}
    />
  );

  const consultationTable = (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Select allowClear placeholder={t('part.space')} aria-label={t('part.console.filter_space')} style={{ width: 280 }} value={spaceFilter} onChange={setSpaceFilter} options={spaces.map((s) => ({ value: s.id, label: `${s.title}（${s.area.name}）` }))} />
        <Button type="primary" onClick={() => setCreating('consultation')} disabled={spaces.length === 0} data-testid="new-consultation">
          {t('part.console.new_consultation')}
        </Button>
      </Space>
      {spaces.length === 0 && <Alert type="info" showIcon message={t('part.console.no_space')} />}
      <Table<ConsultationItem>
        rowKey="id"
        loading={consultations === null}
        dataSource={consultations ?? []}
        pagination={false}
        columns={[
          { title: t('part.consultations'), render: (_, c) => <a onClick={() => setOpen(c.id)}>{c.title}</a> },
          { title: t('part.space'), render: (_, c) => c.area.name },
          { title: '', render: (_, c) => <Tag color={stateColor[c.state]}>{t(`part.state.${c.state}` as MessageKey)}</Tag> },
          { title: t('part.vote_until', { at: '' }), render: (_, c) => formatDateTime(c.closesAt, locale) },
          {
            title: '',
            render: (_, c) => (
              <Space>
                <a href={`/portal/participation/consultations/${c.id}`} target="_blank" rel="noreferrer">
                  {t('part.console.public_page')}
                </a>
                {c.state === 'voting' && <Button onClick={() => void act(() => api.post(`${S}/consultations/${c.id}/close`))}>{t('part.close')}</Button>}
                {c.state === 'closed' && (
                  <Button type="primary" onClick={() => setPublishing(c)}>
                    {t('part.publish')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
    </Space>
  );

  const spaceTable = (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Button type="primary" onClick={() => setCreating('space')} data-testid="new-space">
        {t('part.console.new_space')}
      </Button>
      <Table<ParticipationSpace>
        rowKey="id"
        dataSource={spaces}
        pagination={false}
        columns={[
          { title: t('part.console.space_title'), dataIndex: 'title' },
          { title: t('part.console.area'), render: (_, s) => `${s.area.name}（${s.area.code}）` },
          { title: t('part.console.threshold'), dataIndex: 'supportThreshold' },
          { title: t('part.console.answer_days'), dataIndex: 'answerDays' },
        ]}
      />
    </Space>
  );

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('nav.participation')}
      </Typography.Title>
      {error !== null && <Alert type="error" showIcon closable onClose={() => setError(null)} message={te(error)} />}
      <Card>
        <Tabs
          items={[
            { key: 'inbox', label: t('part.inbox'), children: inboxTable },
            { key: 'consultations', label: t('part.consultations'), children: consultationTable },
            { key: 'spaces', label: t('part.console.spaces'), children: spaceTable },
            { key: 'results', label: t('part.results'), children: <ResultsTab /> },
            { key: 'conventions', label: t('part.conventions'), children: <ConventionsTab spaces={spaces} /> },
            { key: 'moderation', label: t('part.console.moderation'), children: <ModerationTab onOpen={setOpen} /> },
          ]}
        />
      </Card>
      {creating === 'space' && (
        <SpaceModal
          onClose={() => setCreating(null)}
          onSaved={() => {
            void message.success(t('part.done_ok'));
            setCreating(null);
            load();
          }}
        />
      )}
      {creating === 'consultation' && (
        <ConsultationModal
          spaces={spaceFilter ? spaces.filter((s) => s.id === spaceFilter) : spaces}
          onClose={() => setCreating(null)}
          onSaved={(c) => {
            void message.success(t('part.done_ok'));
            setCreating(null);
            load();
            setOpen(c);
          }}
        />
      )}
      {/* 转为议事: the answer goes with the consultation it opens, prefilled from the proposal */}
      {converting && (
        <ConsultationModal
          spaces={spaces.filter((s) => s.id === converting.proposal.spaceId)}
          initial={{ spaceId: converting.proposal.spaceId, title: converting.proposal.title, background: converting.proposal.body }}
          send={async (_, consultation) =>
            (await api.post<Proposal>(`${S}/proposals/${converting.proposal.id}/answer`, { decision: 'consultation', answer: converting.answer, responsibleUnit: converting.responsibleUnit, consultation })).consultationId
          }
          onClose={() => setConverting(null)}
          onSaved={(id) => {
            void message.success(t('part.done_ok'));
            setConverting(null);
            load();
            setOpen(id);
          }}
        />
      )}
      <ConsultationDrawer id={open} onClose={() => setOpen(null)} onChanged={load} />
      <FormModal<Answer>
        open={answering !== null}
        title={answering?.title}
        submitText={t('part.submit')}
        initialValues={{ decision: 'work' }}
        onCancel={() => setAnswering(null)}
        onFinish={(v) => {
          // a consultation needs its own form (options, timetable): the answer waits for it
          if (v.decision === 'consultation') {
            setConverting({ proposal: answering!, answer: v.answer, responsibleUnit: v.responsibleUnit });
            setAnswering(null);
          } else void act(() => api.post(`${S}/proposals/${answering!.id}/answer`, v));
        }}
      >
        <Form.Item name="decision" label={t('part.answer')}>
          <Select options={(['work', 'case', 'consultation', 'reject'] as const).map((d) => ({ value: d, label: t(`part.decision.${d}`) }))} />
        </Form.Item>
        <Form.Item name="answer" label={t('part.reason')} rules={[{ required: true }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <Form.Item name="responsibleUnit" label={t('part.console.responsible_unit')} extra={t('part.console.unit_default')}>
          <UnitSelect />
        </Form.Item>
      </FormModal>
      <FormModal<{ outcome: string }> open={publishing !== null} title={publishing?.title} submitText={t('part.publish')} onCancel={() => setPublishing(null)} onFinish={(v) => void act(() => api.post(`${S}/consultations/${publishing!.id}/publish`, v))}>
        <Form.Item name="outcome" label={t('part.outcome_text')} rules={[{ required: true }]}>
          <Input.TextArea rows={4} />
        </Form.Item>
      </FormModal>
    </Space>
  );
}
