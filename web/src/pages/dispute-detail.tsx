import { Alert, App, Button, Card, Descriptions, Form, Input, List, Select, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { disputeStateLabels, disputeTypeLabels, handoverLabels, handoverTargets, mediatorKindLabels, type DisputeDetail } from '../../../shared/disputes.ts';
import { api } from '../api/client.ts';
import { useSession } from '../auth/session.tsx';
import { useLocale } from '../i18n/locale.tsx';
import { Link } from '../router.tsx';

/** One dispute: parties (masked by role), sessions, outcome and 回访, with the forms that move it on. */
export function DisputeDetailPage({ code }: { code: string }) {
  const { t, te } = useLocale();
  const { can } = useSession();
  const { message } = App.useApp();
  const [d, setD] = useState<DisputeDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => void api.get<DisputeDetail>(`/api/v1/disputes/${code}`).then(setD, setError), [code]);
  useEffect(load, [load]);
  const post = (path: string, body: unknown) =>
    api.post<DisputeDetail>(`/api/v1/disputes/${code}/${path}`, body).then(
      (x) => setD(x),
      (e: unknown) => void message.error(te(e)),
    );
  if (error) return <Alert type="error" showIcon message={te(error)} />;
  if (!d) return null;
  const manage = can('dispute.manage');
  const open = d.state === 'registered' || d.state === 'mediating';
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>
        {disputeTypeLabels[d.type]} · <Link to={`/cases/${d.code}`}>{d.code}</Link> <Tag>{disputeStateLabels[d.state]}</Tag>
      </Typography.Title>
      <Descriptions bordered size="small" column={2}>
        <Descriptions.Item label={t('disputes.risk')}>{d.riskLevel}</Descriptions.Item>
        <Descriptions.Item label={t('disputes.mediator')}>{`${mediatorKindLabels[d.mediator.kind]} ${d.mediator.name}`}</Descriptions.Item>
        <Descriptions.Item label={t('disputes.parties')} span={2}>
          {d.parties.map((p) => `${p.role}: ${p.name}${p.phone ? ` ${p.phone}` : ''}`).join('；')}
        </Descriptions.Item>
      </Descriptions>
      <Card title={t('disputes.sessions')}>
        <List dataSource={d.sessions} renderItem={(s) => <List.Item>{`${new Date(s.heldAt).toLocaleString()} · ${s.place} · ${s.attendees.join('、')} — ${s.minutes}`}</List.Item>} />
        {manage && open && (
          <Form layout="vertical" onFinish={(v: { place: string; attendees: string; minutes: string }) => post('sessions', { heldAt: new Date().toISOString(), place: v.place, attendees: v.attendees.split(/[,，、]/).map((x) => x.trim()).filter(Boolean), minutes: v.minutes, attachments: [] })}>
            <Form.Item name="place" label={t('disputes.place')} rules={[{ required: true }]}><Input /></Form.Item>
            <Form.Item name="attendees" label={t('disputes.attendees')} rules={[{ required: true }]}><Input /></Form.Item>
            <Form.Item name="minutes" label={t('disputes.minutes')} rules={[{ required: true }]}><Input.TextArea rows={3} /></Form.Item>
            <Button htmlType="submit" type="primary">{t('disputes.add_session')}</Button>
          </Form>
        )}
      </Card>
      <Card title={t('disputes.outcome')}>
        {d.outcome ? (
          <Typography.Paragraph>
            {d.outcome.kind === 'agreement' ? `${t('disputes.agreement')}：${d.outcome.agreementText}` : `${handoverLabels[d.outcome.handoverTo!]} → ${d.outcome.receivingBody}`}
          </Typography.Paragraph>
        ) : (
          manage &&
          open && (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Form layout="inline" onFinish={(v: { agreementText: string; signedScan: string }) => post('outcome', { kind: 'agreement', ...v })}>
                <Form.Item name="agreementText" rules={[{ required: true }]}><Input placeholder={t('disputes.agreement_text')} /></Form.Item>
                <Form.Item name="signedScan" rules={[{ required: true }]}><Input placeholder={t('disputes.signed_scan')} /></Form.Item>
                <Button htmlType="submit">{t('disputes.agreement')}</Button>
              </Form>
              <Form layout="inline" onFinish={(v: { handoverTo: string; receivingBody: string; reason: string }) => post('outcome', { kind: 'handover', ...v })}>
                <Form.Item name="handoverTo" rules={[{ required: true }]}><Select style={{ width: 180 }} options={handoverTargets.map((h) => ({ value: h, label: handoverLabels[h] }))} /></Form.Item>
                <Form.Item name="receivingBody" rules={[{ required: true }]}><Input placeholder={t('disputes.receiving_body')} /></Form.Item>
                <Form.Item name="reason" rules={[{ required: true }]}><Input placeholder={t('disputes.reason')} /></Form.Item>
                <Button htmlType="submit">{t('disputes.handover')}</Button>
              </Form>
            </Space>
          )
        )}
        {manage && !open && <Button onClick={() => void post('reopen', { reason: window.prompt(t('disputes.reason')) ?? '' })}>{t('disputes.reopen')}</Button>}
      </Card>
      <Card title={t('disputes.followups')}>
        <List dataSource={d.followups} renderItem={(f) => <List.Item>{new Date(f.dueAt).toLocaleDateString()} {f.result ?? (f.overdue ? <Tag color="red">{t('disputes.overdue')}</Tag> : '')} {f.note}</List.Item>} />
        {manage && d.state === 'agreed' && d.followups.some((f) => !f.doneAt) && <Button onClick={() => void post('followups', { result: 'stable', note: '' })}>{t('disputes.followup_stable')}</Button>}
      </Card>
    </Space>
  );
}
