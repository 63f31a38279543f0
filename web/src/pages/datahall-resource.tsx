import { App, Button, Card, Checkbox, DatePicker, Descriptions, Form, Input, Modal, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { gradeLabels, openLabels, shareLabels, type CatalogueField, type CatalogueResource } from '../../../shared/datahall.ts';
import { api } from '../api/client.ts';
import { useSession } from '../auth/session.tsx';
import { errorText } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { gradeColor } from './datahall-catalogue.tsx';

interface RequestForm {
  purpose: string;
  fields: string[];
  clearFields?: string[];
  area: string;
  period: [Dayjs, Dayjs];
}

/** One resource: its fields with their grades, and the request form 申请共享. */
export function DatahallResourcePage({ code }: { code: string }) {
  const { t, locale } = useLocale();
  const { can } = useSession();
  const { message } = App.useApp();
  const [r, setR] = useState<CatalogueResource | null>(null);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<RequestForm>();
  useEffect(() => {
    void api.get<CatalogueResource>(`/api/v1/datahall/resources/${encodeURIComponent(code)}`).then(setR);
  }, [code]);
  if (!r) return <Card loading />;

  const submit = async (v: RequestForm) => {
    try {
      await api.post('/api/v1/datahall/requests', { resource: r.code, purpose: v.purpose, fields: v.fields, clearFields: v.clearFields ?? [], area: v.area, validFrom: v.period[0].toISOString(), validTo: v.period[1].toISOString() });
      void message.success(t('datahall.submitted'));
      setOpen(false);
    } catch (err) {
      void message.error(errorText(locale, err));
    }
  };

  return (
    <Card title={r.title} extra={r.kind === 'table' && r.shareType !== 'none' && can('datahall.request') ? <Button type="primary" onClick={() => setOpen(true)}>{t('datahall.request')}</Button> : null}>
      <Descriptions bordered size="small" column={2} items={[
        { key: 'code', label: 'code', children: r.code },
        { key: 'owner', label: t('datahall.owner'), children: r.owner.name },
        { key: 'grade', label: t('datahall.grade'), children: <Tag color={gradeColor[r.securityGrade]}>{gradeLabels[r.securityGrade]}</Tag> },
        { key: 'sens', label: t('datahall.sensitivity'), children: r.sensitivity },
        { key: 'share', label: t('datahall.share'), children: shareLabels[r.shareType] },
        { key: 'open', label: t('datahall.open'), children: openLabels[r.openType] },
        { key: 'cycle', label: t('datahall.cycle'), children: r.updateCycle },
        { key: 'desc', label: 'description', children: r.description },
      ]} />
      <Table<CatalogueField>
        style={{ marginTop: 16 }}
        rowKey="name"
        pagination={false}
        dataSource={r.fields}
        columns={[
          { title: t('datahall.fields'), render: (_, f) => `${f.label} (${f.name})` },
          { title: t('datahall.pii'), render: (_, f) => (f.pii ? <Tag color="red">{f.pii}</Tag> : null) },
          { title: t('datahall.grade'), render: (_, f) => <Tag color={gradeColor[f.securityGrade]}>{gradeLabels[f.securityGrade]}</Tag> },
          { title: t('datahall.sensitivity'), dataIndex: 'sensitivity' },
          { title: t('datahall.share'), render: (_, f) => shareLabels[f.shareType] },
          { title: t('datahall.open'), render: (_, f) => openLabels[f.openType] },
        ]}
      />
      <Modal open={open} title={t('datahall.request')} onCancel={() => setOpen(false)} onOk={() => form.submit()} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ period: [dayjs(), dayjs().add(90, 'day')] }}>
          <Form.Item name="purpose" label={t('datahall.purpose')} rules={[{ required: true, min: 4 }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item name="fields" label={t('datahall.fields')} rules={[{ required: true }]}>
            <Checkbox.Group options={r.fields.filter((f) => f.shareType !== 'none').map((f) => ({ value: f.name, label: f.label }))} />
          </Form.Item>
          <Form.Item name="clearFields" label={t('datahall.clear')}>
            <Checkbox.Group options={r.fields.filter((f) => f.pii).map((f) => ({ value: f.name, label: f.label }))} />
          </Form.Item>
          <Form.Item name="area" label={t('datahall.area')} rules={[{ required: true, pattern: /^[0-9]{6}([0-9]{3}){0,3}$/ }]}>
            <Input placeholder="990102" />
          </Form.Item>
          <Form.Item name="period" label={t('datahall.period')} rules={[{ required: true }]}>
            <DatePicker.RangePicker />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
