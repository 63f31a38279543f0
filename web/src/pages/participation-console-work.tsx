import { Alert, Button, Form, Input, InputNumber, Progress, Select, Space, Table, Tag, Typography, message } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Convention, ConventionVersion, Page, ParticipationResult, ParticipationSpace, ReportedComment } from '../../../shared/participation.ts';
import { api } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';
import { FormModal } from '../components/form-modal.tsx';
import { formatDateTime } from '../lib/format.ts';
import { HideComment } from './participation-console-drawer.tsx';
import { isoOf } from '../lib/timetable.ts';
import { S } from './participation-console-forms.tsx';

/** Loads a list, with the error shown where the list is. */
function useList<R, T>(url: string, pick: (r: R) => T[]) {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  // the accessor is given inline (a new function each render): read the latest, reload only when the URL changes
  const picker = useRef(pick);
  picker.current = pick;
  const load = useCallback(() => {
    api
      .get<R>(url, { pageSize: 100 })
      .then((r) => setItems(picker.current(r)))
      .catch(setError);
  }, [url]);
  useEffect(load, [load]);
  return { items, error, setError, load };
}

/** 办理结果: the accepted outcomes of my area; report progress (100 % is done) with a note the public reads. */
export function ResultsTab() {
  const { t, te, locale } = useLocale();
  const { items, error, setError, load } = useList(`${S}/results`, (r: Page<ParticipationResult>) => r.items);
  const [reporting, setReporting] = useState<ParticipationResult | null>(null);
  const report = (v: { progress: number; note: string }) =>
    api
      .post(`${S}/results/${reporting!.id}/progress`, v)
      .then(() => {
        void message.success(t('part.done_ok'));
        setReporting(null);
        load();
      })
      .catch(setError);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {error !== null && <Alert type="error" showIcon closable onClose={() => setError(null)} message={te(error)} />}
      <Table<ParticipationResult>
        rowKey="id"
        loading={items === null && error === null}
        dataSource={items ?? []}
        pagination={false}
        columns={[
          { title: t('part.console.result'), dataIndex: 'title' },
          { title: t('part.console.responsible_unit'), render: (_, r) => r.responsibleUnit.name },
          { title: t('part.console.progress'), render: (_, r) => <Progress percent={r.progress} size="small" status={r.status === 'done' ? 'success' : 'active'} style={{ minWidth: 140 }} /> },
          { title: t('part.console.status'), render: (_, r) => <Tag color={r.status === 'done' ? 'green' : 'blue'}>{t(`part.status.${r.status}`)}</Tag> },
          { title: t('part.console.updated'), render: (_, r) => formatDateTime(r.updatedAt, locale) },
          { title: '', render: (_, r) => r.status !== 'done' && <Button onClick={() => setReporting(r)}>{t('part.console.report_progress')}</Button> },
        ]}
      />
      <FormModal open={reporting !== null} title={reporting?.title} submitText={t('part.submit')} initialValues={{ progress: reporting?.progress }} onCancel={() => setReporting(null)} onFinish={report}>
        <Form.Item name="progress" label={t('part.console.progress_pct')} rules={[{ required: true }]} extra={t('part.console.progress_hint')}>
          <InputNumber min={0} max={100} addonAfter="%" />
        </Form.Item>
        <Form.Item name="note" label={t('part.console.progress_note')} rules={[{ required: true, max: 2000 }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </FormModal>
    </Space>
  );
}

const versionColor = { voting: 'blue', adopted: 'green', rejected: 'default' } as const;

/** 居民公约: put a text (new, or a new version of one) to the vote; after the close, decide it by the tally. */
export function ConventionsTab({ spaces }: { spaces: ParticipationSpace[] }) {
  const { t, te } = useLocale();
  const { items, error, setError, load } = useList(`${S}/conventions`, (r: { items: Convention[] }) => r.items);
  const [proposing, setProposing] = useState<{ convention: Convention | null } | null>(null);
  const done = () => {
    void message.success(t('part.done_ok'));
    setProposing(null);
    load();
  };
  const decide = (v: ConventionVersion) =>
    api
      .post<{ status: string; agree: number; disagree: number }>(`${S}/convention-versions/${v.id}/decide`)
      .then((r) => {
        void message.info(t('part.console.decided', { agree: r.agree, disagree: r.disagree }));
        load();
      })
      .catch(setError);
  const propose = (v: { spaceId: string; title?: string; body: string; opensAt: string; closesAt: string }) =>
    api
      .post(`${S}/conventions`, { ...v, conventionId: proposing?.convention?.id, opensAt: isoOf(v.opensAt), closesAt: isoOf(v.closesAt) })
      .then(done)
      .catch(setError);
  const spaceOptions = (c: Convention | null) => spaces.filter((s) => !c || s.area.code === c.area.code).map((s) => ({ value: s.id, label: `${s.title}（${s.area.name}）` }));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {error !== null && <Alert type="error" showIcon closable onClose={() => setError(null)} message={te(error)} />}
      <Button type="primary" onClick={() => setProposing({ convention: null })} disabled={spaces.length === 0}>
        {t('part.console.new_convention')}
      </Button>
      <Table<Convention>
        rowKey="id"
        loading={items === null && error === null}
        dataSource={items ?? []}
        pagination={false}
        columns={[
          { title: t('part.conventions'), render: (_, c) => `${c.title}（${c.area.name}）` },
          { title: t('part.console.in_force'), render: (_, c) => (c.inForce ? t('part.in_force', { v: c.inForce.version }) : '—') },
          {
            title: t('part.console.versions'),
            render: (_, c) => (
              <Space direction="vertical" size={4}>
                {c.versions.map((v) => (
                  <Space key={v.id}>
                    <Tag color={versionColor[v.status]}>{`${t('part.console.version_n', { v: v.version })} · ${t(`part.console.version.${v.status}`)}`}</Tag>
                    {v.status === 'voting' && (
                      <Button size="small" onClick={() => void decide(v)}>
                        {t('part.console.decide')}
                      </Button>
                    )}
                  </Space>
                ))}
              </Space>
            ),
          },
          { title: '', render: (_, c) => <Button onClick={() => setProposing({ convention: c })}>{t('part.console.amend')}</Button> },
        ]}
      />
      <FormModal
        open={proposing !== null}
        title={proposing?.convention ? proposing.convention.title : t('part.console.new_convention')}
        submitText={t('part.console.to_vote')}
        width={640}
        initialValues={{ spaceId: spaceOptions(proposing?.convention ?? null)[0]?.value, body: proposing?.convention?.inForce?.body }}
        onCancel={() => setProposing(null)}
        onFinish={propose}
      >
        <Form.Item name="spaceId" label={t('part.space')} rules={[{ required: true }]}>
          <Select options={spaceOptions(proposing?.convention ?? null)} />
        </Form.Item>
        {!proposing?.convention && (
          <Form.Item name="title" label={t('part.console.convention_title')} rules={[{ required: true, min: 2, max: 120 }]}>
            <Input />
          </Form.Item>
        )}
        <Form.Item name="body" label={t('part.console.convention_body')} rules={[{ required: true, min: 10 }]}>
          <Input.TextArea rows={6} maxLength={20000} />
        </Form.Item>
        <Form.Item name="opensAt" label={t('part.console.opensAt')} rules={[{ required: true, message: t('part.console.time_rule') }]}>
          <Input type="datetime-local" />
        </Form.Item>
        <Form.Item
          name="closesAt"
          label={t('part.console.closesAt')}
          dependencies={['opensAt']}
          rules={[
            { required: true, message: t('part.console.time_rule') },
            ({ getFieldValue }) => ({ validator: (_, v: string) => (!v || !getFieldValue('opensAt') || new Date(v) > new Date(getFieldValue('opensAt') as string) ? Promise.resolve() : Promise.reject(new Error(t('error.participation.bad_timetable')))) }),
          ]}
        >
          <Input type="datetime-local" />
        </Form.Item>
      </FormModal>
    </Space>
  );
}

/** 评论审核: reported comments of my area, most reported first; hide one with a reason (kept and logged). */
export function ModerationTab({ onOpen }: { onOpen(consultationId: string): void }) {
  const { t, te, locale } = useLocale();
  const { items, error, load } = useList(`${S}/comments/reported`, (r: { items: ReportedComment[] }) => r.items);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {error !== null && <Alert type="error" showIcon message={te(error)} />}
      <Table<ReportedComment>
        rowKey="id"
        loading={items === null && error === null}
        dataSource={items ?? []}
        pagination={false}
        locale={{ emptyText: t('part.console.no_reports') }}
        columns={[
          { title: t('part.console.comment'), render: (_, c) => <Typography.Text>{c.body}</Typography.Text> },
          { title: t('part.console.author'), dataIndex: 'author' },
          { title: t('part.consultations'), render: (_, c) => <a onClick={() => onOpen(c.consultationId)}>{c.consultationTitle}</a> },
          { title: t('part.console.reports_col'), render: (_, c) => <Tag color="red">{c.reports}</Tag> },
          { title: t('part.console.posted'), render: (_, c) => formatDateTime(c.createdAt, locale) },
          { title: '', render: (_, c) => <HideComment id={c.id} onDone={load} /> },
        ]}
      />
    </Space>
  );
}
