import { Alert, App, Button, Card, Descriptions, Form, Input, List, Select, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { disputeStateLabels, disputeTypeLabels, handoverLabels, handoverTargets, mediatorKindLabels, type DisputeDetail } from '../../../shared/disputes.ts';
import { api } from '../api/client.ts';
import { useSession } from '../auth/session.tsx';
import { useLocale } from '../i18n/locale.tsx';
import { Link } from '../router.tsx';
import { PhotoUpload } from '../components/photo-upload.tsx';

/** One dispute: parties (masked by role), sessions, outcome and 回访, with the forms that move it on. */
export function DisputeDetailPage({ code }: { code: string }) {
  const { t, te } = useLocale();
  const { can } = useSession();
  const { message } = App.useApp();
  const [d, setD] = useState<DisputeDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [scan, setScan] = useState<string | null>(null);
  const [followupNote, setFollowupNote] = useState('');
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
        {disputeTypeLabels[d.type]} · <Link to={`/cases/${d.code}`}>{d.code}</Link> <Tag data-testid="dispute-state">{disputeStateLabels[d.state]}</Tag>
      </Typography.Title>
      <Descriptions bordered size="small" column={2}>
        <Descriptions.Item label={t('disputes.risk')}>{d.riskLevel}</Descriptions.Item>
        <Descriptions.Item label={t('disputes.mediator')}>{`${mediatorKindLabels[d.mediator.kind]} ${d.mediator.name}`}</Descriptions.Item>
        <Descriptions.Item label={t('disputes.parties')} span={2}>
          {d.parties.map((p) => `${p.role}: ${p.name}${p.phone ? ` ${p.phone}` : ''}`).join('；')}
        </Descriptions.Item>
      </Descriptions>
      <Card title={t('disputes.sessions')}>
        <List data-testid="dispute-sessions" dataSource={d.sessions} renderItem={(s) => <List.Item>{`${new Date(s.heldAt).toLocaleString()} · ${s.place} · ${s.attendees.join('、')} — ${s.minutes}`}</List.Item>} />
        {manage && open && (
          <Form layout="vertical" onFinish={(v: { heldAt?: string; place: string; attendees: string; minutes: string }) => post('sessions', { heldAt: (v.heldAt ? new Date(v.heldAt) : new Date()).toISOString(), place: v.place, attendees: v.attendees.split(/[,，、]/).map((x) => x.trim()).filter(Boolean), minutes: v.minutes, attachments: [] })}>
            {/* a session is often written up afterwards: when it was held, empty for now */}
            <Form.Item name="heldAt" label={t('disputes.held_at')}><Input type="datetime-local" /></Form.Item>
            <Form.Item name="place" label={t('disputes.place')} rules={[{ required: true }]}><Input /></Form.Item>
            <Form.Item name="attendees" label={t('disputes.attendees')} rules={[{ required: true }]}><Input /></Form.Item>
            <Form.Item name="minutes" label={t('disputes.minutes')} rules={[{ required: true }]}><Input.TextArea rows={3} /></Form.Item>
            <Button htmlType="submit" type="primary">{t('disputes.add_session')}</Button>
          </Form>
        )}
      </Card>
      <Card title={t('disputes.outcome')}>
        {d.outcome ? (
          <Typography.Paragraph data-testid="dispute-outcome">
            {d.outcome.kind === 'agreement' ? `${t('disputes.agreement')}：${d.outcome.agreementText}` : `${handoverLabels[d.outcome.handoverTo!]} → ${d.outcome.receivingBody}`}
          </Typography.Paragraph>
        ) : (
          manage &&
          open && (
            <Space direction="vertical" style={{ width: '100%' }}>
              {/* the signed agreement is a scan uploaded to the dispute's case, cited by its id */}
              <Form layout="inline" onFinish={(v: { agreementText: string }) => (scan ? post('outcome', { kind: 'agreement', agreementText: v.agreementText, signedScan: scan }) : void message.error(t('disputes.signed_scan')))}>
                <Form.Item name="agreementText" label={t('disputes.agreement_text')} rules={[{ required: true }]}><Input /></Form.Item>
                <Form.Item><PhotoUpload caseCode={d.code} label={t('disputes.signed_scan')} onChange={(ids) => setScan(ids[0] ?? null)} /></Form.Item>
                <Button htmlType="submit" data-testid="agreement-submit">{t('disputes.agreement')}</Button>
              </Form>
              <Form layout="inline" onFinish={(v: { handoverTo: string; receivingBody: string; reason: string }) => post('outcome', { kind: 'handover', ...v })}>
                <Form.Item name="handoverTo" label={t('disputes.handover_to')} rules={[{ required: true }]}><Select style={{ width: 180 }} options={handoverTargets.map((h) => ({ value: h, label: handoverLabels[h] }))} /></Form.Item>
                <Form.Item name="receivingBody" label={t('disputes.receiving_body')} rules={[{ required: true }]}><Input /></Form.Item>
                <Form.Item name="reason" label={t('disputes.reason')} rules={[{ required: true }]}><Input /></Form.Item>
                <Button htmlType="submit" data-testid="handover-submit">{t('disputes.handover')}</Button>
              </Form>
            </Space>
          )
        )}
        {manage && !open && <Button onClick={() => void post('reopen', { reason: window.prompt(t('disputes.reason')) ?? '' })}>{t('disputes.reopen')}</Button>}
      </Card>
      <Card title={t('disputes.followups')}>
        <List data-testid="dispute-followups" dataSource={d.followups} renderItem={(f) => <List.Item>{new Date(f.dueAt).toLocaleDateString()} {f.result ?? (f.overdue ? <Tag color="red">{t('disputes.overdue')}</Tag> : '')} {f.note}</List.Item>} />
        {manage && d.state === 'agreed' && d.followups.some((f) => !f.doneAt) && (
          <Space>
            <Input aria-label={t('disputes.followup_note')} placeholder={t('disputes.followup_note')} value={followupNote} onChange={(e) => setFollowupNote(e.target.value)} style={{ width: 320 }} />
            <Button onClick={() => void post('followups', { result: 'stable', note: followupNote }).then(() => setFollowupNote(''))}>{t('disputes.followup_stable')}</Button>
          </Space>
        )}
      </Card>
    </Space>
  );
}
