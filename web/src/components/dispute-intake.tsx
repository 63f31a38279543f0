import { App, Button, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { disputeTypeLabels, disputeTypes, mediatorKindLabels, mediatorKinds, riskLevels, type DisputeDetail } from '../../../shared/disputes.ts';
import { api } from '../api/client.ts';
import { useTaxonomy } from '../api/reference.ts';
import { useLocale } from '../i18n/locale.tsx';
import { navigate } from '../router.tsx';

interface IntakeForm {
  text: string;
  category: string;
  type: (typeof disputeTypes)[number];
  riskLevel: (typeof riskLevels)[number];
  mediatorKind: (typeof mediatorKinds)[number];
  mediatorName: string;
  applicant: string;
  respondent?: string;
}

/** 纠纷登记: a dispute through the case front door (a 15xx category), its parties and mediator; opens its page. */
export function DisputeIntake() {
  const { t, te } = useLocale();
  const { message } = App.useApp();
  const taxonomy = useTaxonomy();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const categories = taxonomy.categories.filter((c) => c.code.startsWith('15'));

  async function submit(v: IntakeForm) {
    setBusy(true);
    try {
      const parties = [{ role: 'applicant', name: v.applicant.trim() }, ...(v.respondent?.trim() ? [{ role: 'respondent', name: v.respondent.trim() }] : [])];
      const d = await api.post<DisputeDetail>('/api/v1/disputes', { text: v.text, category: v.category, type: v.type, riskLevel: v.riskLevel, mediator: { kind: v.mediatorKind, name: v.mediatorName }, parties });
      setOpen(false);
      navigate(`/disputes/${d.code}`);
    } catch (err) {
      void message.error(te(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button type="primary" onClick={() => setOpen(true)} data-testid="dispute-new">
        {t('disputes.new')}
      </Button>
      <Modal open={open} title={t('disputes.new')} onCancel={() => setOpen(false)} footer={null} destroyOnHidden>
        <Form<IntakeForm> layout="vertical" onFinish={(v) => void submit(v)} initialValues={{ riskLevel: 'medium', mediatorKind: 'people_mediator' }}>
          <Form.Item name="text" label={t('disputes.text')} rules={[{ required: true }]}><Input.TextArea rows={3} /></Form.Item>
          <Form.Item name="category" label={t('disputes.category')} rules={[{ required: true }]}>
            <Select showSearch optionFilterProp="label" options={categories.map((c) => ({ value: c.code, label: `${c.code} ${c.zh}` }))} />
          </Form.Item>
          <Form.Item name="type" label={t('disputes.type')} rules={[{ required: true }]}>
            <Select options={disputeTypes.map((s) => ({ value: s, label: disputeTypeLabels[s] }))} />
          </Form.Item>
          <Form.Item name="riskLevel" label={t('disputes.risk')} rules={[{ required: true }]}>
            <Select options={riskLevels.map((s) => ({ value: s, label: s }))} />
          </Form.Item>
          <Form.Item name="mediatorKind" label={t('disputes.mediator_kind')} rules={[{ required: true }]}>
            <Select options={mediatorKinds.map((s) => ({ value: s, label: mediatorKindLabels[s] }))} />
          </Form.Item>
          <Form.Item name="mediatorName" label={t('disputes.mediator')} rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="applicant" label={t('disputes.applicant')} rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="respondent" label={t('disputes.respondent')}><Input /></Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block>{t('disputes.register_one')}</Button>
        </Form>
      </Modal>
    </>
  );
}
