import { Alert, Button, Descriptions, Drawer, Form, Input, List, Space, Table, Tag, Typography, message } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { ConsultationDetail, ParticipationComment } from '../../../shared/participation.ts';
import { api } from '../api/client.ts';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { formatDateTime, formatPercent } from '../lib/format.ts';
import { isoOf } from '../lib/timetable.ts';
import { S } from './participation-console-forms.tsx';

export const stateColor = { proposal: 'default', deliberation: 'blue', voting: 'green', closed: 'orange', published: 'purple' } as const;

/** 隐藏评论: the reason is required and logged (audit) by the server. */
export function HideComment({ id, onDone }: { id: string; onDone(): void }) {
  const { t, te } = useLocale();
  const [open, setOpen] = useState(false);
  if (!open) return <Button size="small" danger onClick={() => setOpen(true)}>{t('part.console.hide')}</Button>;
  return (
    <Form
      layout="inline"
      onFinish={(v: { reason: string }) =>
        api
          .post(`${S}/comments/${id}/hide`, v)
          .then(() => {
            void message.success(t('part.done_ok'));
            onDone();
          })
          .catch((err: unknown) => void message.error(te(err)))
      }
    >
      <Form.Item name="reason" rules={[{ required: true, min: 2, max: 500, message: t('part.console.hide_reason_rule') }]}>
        <Input placeholder={t('part.console.hide_reason')} aria-label={t('part.console.hide_reason')} />
      </Form.Item>
      <Button htmlType="submit" danger size="small">
        {t('part.console.hide')}
      </Button>
    </Form>
  );
}

/** A meeting's minutes, written after it (text: the API takes no file). */
function MinutesForm({ id, onDone }: { id: string; onDone(): void }) {
  const { t, te } = useLocale();
  return (
    <Form layout="vertical" onFinish={(v: { minutes: string }) => api.put(`${S}/meetings/${id}/minutes`, v).then(onDone).catch((err: unknown) => void message.error(te(err)))}>
      <Form.Item name="minutes" label={t('part.minutes')} rules={[{ required: true }]}>
        <Input.TextArea rows={3} maxLength={20000} />
      </Form.Item>
      <Button htmlType="submit">{t('part.console.save_minutes')}</Button>
    </Form>
  );
}

/** 议事详情: what the organiser runs: options (and the tally from the close on), meetings with minutes, comments. */
export function ConsultationDrawer({ id, onClose, onChanged }: { id: string | null; onClose(): void; onChanged(): void }) {
  const { t, te, locale } = useLocale();
  const [c, setC] = useState<ConsultationDetail | null>(null);
  const [comments, setComments] = useState<ParticipationComment[]>([]);
  const [minutesFor, setMinutesFor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [meetingForm] = Form.useForm<{ startsAt: string; place: string }>();

  const load = useCallback(() => {
    if (!id) return;
    setError(null);
    api.get<ConsultationDetail>(`${S}/consultations/${id}`).then(setC).catch(setError);
    api
      .get<{ items: ParticipationComment[] }>(`/api/v1/public/participation/consultations/${id}/comments`)
      .then((r) => setComments(r.items))
      .catch(setError);
  }, [id]);
  useEffect(() => {
    setC(null);
    load();
  }, [load]);

  const changed = () => {
    setMinutesFor(null);
    load();
    onChanged();
  };
  const addMeeting = (v: { startsAt: string; place: string }) =>
    api
      .post(`${S}/consultations/${id}/meetings`, { startsAt: isoOf(v.startsAt), place: v.place })
      .then(() => {
        meetingForm.resetFields();
        changed();
      })
      .catch(setError);

  return (
    <Drawer width={720} open={id !== null} onClose={onClose} title={c?.title} destroyOnHidden>
      {error !== null && <Alert type="error" showIcon role="alert" message={te(error)} style={{ marginBottom: 12 }} />}
      {c && (
        <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="consultation-drawer">
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('part.console.state')}>
              <Tag color={stateColor[c.state]}>{t(`part.state.${c.state}` as MessageKey)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('part.console.topic')}>{c.topic || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('part.place')}>{`${c.place || '—'}${c.lon !== null ? ` · ${c.lon}, ${c.lat}` : ''}`}</Descriptions.Item>
            <Descriptions.Item label={t('part.timetable')}>
              {(['proposalAt', 'deliberationAt', 'opensAt', 'closesAt', 'resultAt'] as const).map((k) => (
                <div key={k}>{`${t(`part.console.${k}`)}：${formatDateTime(c.timetable[k], locale)}`}</div>
              ))}
            </Descriptions.Item>
            {c.references.length > 0 && (
              <Descriptions.Item label={t('part.documents')}>
                {c.references.map((r) => (
                  <div key={r.url}>
                    <a href={r.url} target="_blank" rel="noreferrer">
                      {r.title}
                    </a>
                  </div>
                ))}
              </Descriptions.Item>
            )}
          </Descriptions>

          <Typography.Title level={5}>{t('part.console.options')}</Typography.Title>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={c.options}
            data-testid="consultation-tally"
            columns={[
              { title: t('part.console.option'), dataIndex: 'label' },
              { title: t('part.console.count'), render: (_, o) => (o.count === null ? t('part.console.tally_hidden') : o.count) },
            ]}
          />
          {c.results && <Typography.Text type="secondary">{t('part.turnout', { ballots: c.results.ballots, eligible: c.results.eligible, pct: formatPercent(c.results.turnout) })}</Typography.Text>}
          {c.outcome && <Alert type="success" message={t('part.outcome')} description={c.outcome} />}

          <Typography.Title level={5}>{t('part.meetings')}</Typography.Title>
          <List
            dataSource={c.meetings}
            locale={{ emptyText: t('part.empty') }}
            data-testid="consultation-meetings"
            renderItem={(m) => (
              <List.Item actions={[<Button key="m" size="small" onClick={() => setMinutesFor(m.id)}>{m.minutes ? t('part.console.edit_minutes') : t('part.console.upload_minutes')}</Button>]}>
                <List.Item.Meta title={`${formatDateTime(m.startsAt, locale)} · ${m.place}`} description={m.minutes ? `${t('part.minutes')}：${m.minutes}` : t('part.console.no_minutes')} />
                {minutesFor === m.id && <MinutesForm id={m.id} onDone={changed} />}
              </List.Item>
            )}
          />
          <Form form={meetingForm} layout="inline" onFinish={addMeeting}>
            <Form.Item name="startsAt" label={t('part.console.meeting_at')} rules={[{ required: true, message: t('part.console.time_rule') }]}>
              <Input type="datetime-local" />
            </Form.Item>
            <Form.Item name="place" label={t('part.console.meeting_place')} rules={[{ required: true }]}>
              <Input maxLength={200} />
            </Form.Item>
            <Button htmlType="submit">{t('part.console.add_meeting')}</Button>
          </Form>

          <Typography.Title level={5}>{t('part.console.comments')}</Typography.Title>
          <List
            dataSource={comments}
            locale={{ emptyText: t('part.empty') }}
            renderItem={(m) => (
              <List.Item actions={m.hidden ? [] : [<HideComment key="h" id={m.id} onDone={load} />]}>
                <List.Item.Meta
                  title={
                    <Space>
                      {m.author}
                      {m.reports > 0 && <Tag color="red">{t('part.console.reports', { n: m.reports })}</Tag>}
                      {m.hidden && <Tag>{t('part.console.hidden')}</Tag>}
                    </Space>
                  }
                  description={m.hidden ? `${t('part.console.hidden_reason')}：${m.hiddenReason ?? ''}` : m.body}
                />
              </List.Item>
            )}
          />
        </Space>
      )}
    </Drawer>
  );
}
