import { Alert, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Typography, message } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { ConsultationItem, InboxItem, Page } from '../../../shared/participation.ts';
import { api } from '../api/client.ts';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { formatDateTime } from '../lib/format.ts';

const S = '/api/v1/participation';
const stateColor = { proposal: 'default', deliberation: 'blue', voting: 'green', closed: 'orange', published: 'purple' } as const;

/** 协商议事 for organisers: proposals awaiting an answer (with deadlines), and the consultations to close and publish. */
export function ParticipationConsolePage() {
  const { t, te, locale } = useLocale();
  const [inbox, setInbox] = useState<InboxItem[] | null>(null);
  const [consultations, setConsultations] = useState<ConsultationItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [answering, setAnswering] = useState<InboxItem | null>(null);
  const [publishing, setPublishing] = useState<ConsultationItem | null>(null);

  const load = useCallback(() => {
    api.get<{ items: InboxItem[] }>(`${S}/inbox`).then((r) => setInbox(r.items)).catch(setError);
    api.get<Page<ConsultationItem>>(`${S}/consultations`, { pageSize: 100 }).then((r) => setConsultations(r.items)).catch(setError);
  }, []);
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

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('nav.participation')}
      </Typography.Title>
      {error !== null && <Alert type="error" showIcon closable onClose={() => setError(null)} message={te(error)} />}
      <Card title={t('part.inbox')}>
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
      </Card>
      <Card title={t('part.consultations')}>
        <Table<ConsultationItem>
          rowKey="id"
          loading={consultations === null}
          dataSource={consultations ?? []}
          pagination={false}
          columns={[
            { title: t('part.consultations'), render: (_, c) => <a href={`/portal/participation/consultations/${c.id}`}>{c.title}</a> },
            { title: t('part.space'), render: (_, c) => c.area.name },
            { title: '', render: (_, c) => <Tag color={stateColor[c.state]}>{t(`part.state.${c.state}` as MessageKey)}</Tag> },
            { title: t('part.vote_until', { at: '' }), render: (_, c) => formatDateTime(c.closesAt, locale) },
            {
              title: '',
              render: (_, c) => (
                <Space>
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
      </Card>
      <Modal open={answering !== null} title={answering?.title} footer={null} onCancel={() => setAnswering(null)} destroyOnHidden>
        <Form layout="vertical" initialValues={{ decision: 'work' }} onFinish={(v: { decision: string; answer: string; responsibleUnit?: string }) => void act(() => api.post(`${S}/proposals/${answering!.id}/answer`, v))}>
          <Form.Item name="decision" label={t('part.answer')}>
            <Select options={(['work', 'case', 'reject'] as const).map((d) => ({ value: d, label: t(`part.decision.${d}`) }))} />
          </Form.Item>
          <Form.Item name="answer" label={t('part.reason')} rules={[{ required: true }]}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Form.Item name="responsibleUnit" label={t('part.unit_code')}>
            <Input />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('part.submit')}
          </Button>
        </Form>
      </Modal>
      <Modal open={publishing !== null} title={publishing?.title} footer={null} onCancel={() => setPublishing(null)} destroyOnHidden>
        <Form layout="vertical" onFinish={(v: { outcome: string }) => void act(() => api.post(`${S}/consultations/${publishing!.id}/publish`, v))}>
          <Form.Item name="outcome" label={t('part.outcome_text')} rules={[{ required: true }]}>
            <Input.TextArea rows={4} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('part.publish')}
          </Button>
        </Form>
      </Modal>
    </Space>
  );
}
