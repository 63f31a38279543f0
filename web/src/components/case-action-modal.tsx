import { Alert, Form, Input, InputNumber, Modal, Radio, Select, Switch } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client.ts';
import { categoryName, useTaxonomy } from '../api/reference.ts';
import type { CaseDetail } from '../api/types.ts';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { focusFirstField, isSubmitKey, validOrFocus } from '../lib/keys.ts';
import { actionBody, actionSpec, reasonRequired } from '../lib/case-actions.ts';
import { PhotoUpload } from './photo-upload.tsx';
import { UnitChoice } from './unit-choice.tsx';

export interface ActionTarget {
  code: string;
  version: number;
  state: string;
  category?: { code: string } | null;
}

interface Values {
  reason?: string;
  answer?: string;
  category?: string;
  department?: string;
  into?: string;
  hours?: number | null;
  rating?: string;
  urgent?: boolean;
}

/** The form for one case action: asks only what that step needs, then POSTs it and hands back the new case. */
export function CaseActionModal({ target, action, initial, onClose, onDone }: { target: ActionTarget | null; action: string | null; initial?: Partial<Values>; onClose: () => void; onDone: (c: CaseDetail) => void }) {
  const { t, te, locale } = useLocale();
  const taxonomy = useTaxonomy();
  const [form] = Form.useForm<Values>();
  const [attachments, setAttachments] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const body = useRef<HTMLDivElement>(null);
  const open = !!target && !!action;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue({ category: target?.category?.code, ...initial });
    setAttachments([]);
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, target, action, form]);

  if (!target || !action) return null;
  const spec = actionSpec(action);
  const needs = (f: string) => spec.required.includes(f as never) || (f === 'reason' && reasonRequired(target.state, action));
  const has = (f: string) => spec.fields.includes(f as never);
  const rule = (f: string, label: MessageKey) => (needs(f) ? [{ required: true, message: t(label) }] : []);

  const submit = async () => {
    if (busy) return; // Ctrl+Enter pressed twice sends once
    const v = await validOrFocus(form);
    if (!v) return;
    setBusy(true);
    setError(null);
    try {
      const updated = await api.post<CaseDetail>(`/api/v1/cases/${target.code}/actions`, actionBody(action, target.version, { ...v, attachments }));
      onDone(updated);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={`${t(`action.${action}` as MessageKey)} · ${target.code}`}
      okText={`${t(`action.${action}` as MessageKey)} (Ctrl+Enter)`}
      okButtonProps={{ danger: spec.danger, loading: busy, ...({ 'data-testid': 'action-submit', 'aria-keyshortcuts': 'Control+Enter' } as Record<string, string>) }}
      cancelText={t('common.cancel')}
      onOk={() => void submit()}
      onCancel={onClose}
      // the first field takes the focus once the dialog is up (antd focuses the dialog itself first)
      afterOpenChange={(isOpen) => isOpen && focusFirstField(body.current)}
      // Ctrl+Enter sends from anywhere in the dialog; Esc closes it (antd)
      modalRender={(node) => (
        <div ref={body} onKeyDown={(e) => isSubmitKey(e) && (e.preventDefault(), void submit())}>
          {node}
        </div>
      )}
      destroyOnHidden
    >
      {error !== null && <Alert type="error" showIcon role="alert" message={te(error)} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" requiredMark>
        {has('category') && (
          <Form.Item label={t('field.category')} name="category" rules={rule('category', 'field.category')}>
            <Select showSearch optionFilterProp="label" allowClear options={taxonomy.categories.map((c) => ({ value: c.code, label: categoryName(taxonomy.categories, c.code, locale) }))} />
          </Form.Item>
        )}
        {has('department') && <UnitChoice hint={t('field.default_department')} />}
        {has('urgent') && (
          <Form.Item label={t('field.urgent')} name="urgent" valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
        {has('into') && (
          <Form.Item label={t('field.into')} name="into" rules={[...rule('into', 'field.into'), { pattern: /^[0-9]{13}$/, message: t('field.code') }]}>
            <Input inputMode="numeric" maxLength={13} />
          </Form.Item>
        )}
        {has('hours') && (
          <Form.Item label={t('field.hours')} name="hours" rules={rule('hours', 'field.hours')}>
            <InputNumber min={1} max={720} style={{ width: 160 }} />
          </Form.Item>
        )}
        {has('rating') && (
          <Form.Item label={t('field.rating')} name="rating" rules={rule('rating', 'field.rating')}>
            <Radio.Group options={(['satisfied', 'basically_satisfied', 'unsatisfied'] as const).map((r) => ({ value: r, label: t(`rating.${r}`) }))} />
          </Form.Item>
        )}
        {has('answer') && (
          <Form.Item label={t('field.answer')} name="answer" rules={rule('answer', 'field.answer')}>
            <Input.TextArea rows={4} maxLength={4000} showCount />
          </Form.Item>
        )}
        {has('reason') && (
          <Form.Item label={t('field.reason')} name="reason" rules={rule('reason', 'field.reason')}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        )}
        {has('photos') && (
          <Form.Item label={t('field.photos')}>
            <PhotoUpload caseCode={target.code} onChange={setAttachments} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
