import { Alert, Descriptions, Form, Modal, Select, Switch, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client.ts';
import { categoryName, departmentName, useDepartments, useTaxonomy } from '../api/reference.ts';
import type { CaseDetail, CaseSummary } from '../api/types.ts';
import { useLocale } from '../i18n/locale.tsx';
import { focusFirstField, isSubmitKey, validOrFocus } from '../lib/keys.ts';
import { UnitChoice } from './unit-choice.tsx';

interface Responsible {
  department: string;
  coDepartments: string[];
  source: 'catalogue' | 'taxonomy';
  ruleId: string | null;
}

interface Values {
  category?: string;
  department?: string;
  coDepartments?: string[];
  urgent?: boolean;
}

/**
 * 立案并派遣 in one step: when the dispatcher agrees with triage, file the case under the category and send it
 * to the unit the catalogue (权责清单) will choose — shown before sending (GET /api/v1/dispatch/resolve) — with
 * any 协办 units. Changing the unit here overrides the catalogue for this case only.
 */
export function FileDispatchModal({ row, guess, onClose, onDone, afterClose }: { row: CaseSummary | null; guess?: string; onClose: () => void; onDone: (c: CaseDetail) => void; afterClose?: () => void }) {
  const { t, te, locale } = useLocale();
  const taxonomy = useTaxonomy();
  const departments = useDepartments();
  const [form] = Form.useForm<Values>();
  const [resolved, setResolved] = useState<Responsible | null>(null);
  const [resolveError, setResolveError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const body = useRef<HTMLDivElement>(null);
  const lastRow = useRef(row);
  if (row) lastRow.current = row;
  const [category, setCategory] = useState<string | undefined>();
  const open = !!row;

  useEffect(() => {
    if (!row) return;
    const c = row.category?.code ?? guess;
    form.resetFields();
    form.setFieldsValue({ category: c, urgent: row.urgent, coDepartments: [] });
    setCategory(c);
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [row, guess]);

  // Who the catalogue picks for this category where the case is; refreshed as the category changes.
  useEffect(() => {
    setResolved(null);
    setResolveError(null);
    if (!row || !category) return;
    let live = true;
    api
      .get<Responsible>('/api/v1/dispatch/resolve', { category, area: row.location.gridCode ?? undefined })
      .then((r) => {
        if (!live) return;
        setResolved(r);
        form.setFieldsValue({ department: r.department, coDepartments: r.coDepartments });
      })
      .catch((err) => live && setResolveError(err));
    return () => {
      live = false;
    };
  }, [row, category, form]);

  // the last case stays on the closing dialog, so it can animate out and hand the focus back (afterClose)
  const shown = row ?? lastRow.current;
  if (!shown) return null;

  const submit = async () => {
    if (busy) return; // Ctrl+Enter pressed twice sends once
    const v = await validOrFocus(form);
    if (!v) return;
    setBusy(true);
    setError(null);
    try {
      let version = shown.version;
      if (shown.state === 'received') {
        const filed = await api.post<CaseDetail>(`/api/v1/cases/${shown.code}/actions`, { action: 'file', version, category: v.category, urgent: v.urgent });
        version = filed.version;
      }
      const dispatched = await api.post<CaseDetail>(`/api/v1/cases/${shown.code}/actions`, {
        action: 'dispatch',
        version,
        ...(shown.state !== 'received' && v.category ? { category: v.category } : {}),
        ...(v.department && v.department !== resolved?.department ? { department: v.department } : {}),
        ...(v.coDepartments?.length ? { coDepartments: v.coDepartments.filter((c) => c !== v.department) } : {}),
      });
      onDone(dispatched);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={`${t('action.file_dispatch')} · ${shown.code}`}
      okText={`${t('action.file_dispatch')} (Ctrl+Enter)`}
      okButtonProps={{ loading: busy, disabled: !category, ...({ 'data-testid': 'file-dispatch-submit', 'aria-keyshortcuts': 'Control+Enter' } as Record<string, string>) }}
      cancelText={t('common.cancel')}
      onOk={() => void submit()}
      onCancel={onClose}
      afterClose={afterClose}
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
      <Typography.Paragraph type="secondary" ellipsis={{ rows: 3 }}>
        {shown.text}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark>
        <Form.Item label={t('field.category')} name="category" rules={[{ required: true, message: t('field.category') }]}>
          <Select
            showSearch
            optionFilterProp="label"
            onChange={(c: string) => setCategory(c)}
            options={taxonomy.categories.map((c) => ({ value: c.code, label: categoryName(taxonomy.categories, c.code, locale) }))}
          />
        </Form.Item>
        <Descriptions size="small" column={1} bordered style={{ marginBottom: 16 }} data-testid="resolved-unit">
          <Descriptions.Item label={t('dispatch.resolved_unit')}>
            {resolved ? (
              <>
                <Typography.Text strong>{departmentName(departments, resolved.department, locale)}</Typography.Text>{' '}
                <Typography.Text type="secondary">({t(resolved.source === 'catalogue' ? 'dispatch.source.catalogue' : 'dispatch.source.taxonomy')})</Typography.Text>
              </>
            ) : resolveError ? (
              te(resolveError)
            ) : (
              '…'
            )}
          </Descriptions.Item>
        </Descriptions>
        <UnitChoice hint={t('dispatch.override_hint')} co />
        {shown.state === 'received' && (
          <Form.Item label={t('field.urgent')} name="urgent" valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
