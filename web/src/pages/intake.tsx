import { Alert, Button, Card, Checkbox, Col, Form, Input, Row, Select, Space, Switch, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api/client.ts';
import { categoryName, useCity, useTaxonomy } from '../api/reference.ts';
import type { CaseDetail, IntakeResult, Located, TriageResult } from '../api/types.ts';
import { useSession } from '../auth/session.tsx';
import { AddressInput } from '../components/address-input.tsx';
import { MapView } from '../components/map-view.tsx';
import { TriagePanel } from '../components/triage-panel.tsx';
import { KnowledgeSuggest, recordKnowledgeAnswer } from '../components/knowledge-suggest.tsx';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { isPlausiblePhone, maskPhone } from '../lib/format.ts';
import { intakeBody, intakeErrorField, type IntakeForm } from '../lib/intake.ts';
import { isSubmitKey, validOrFocus } from '../lib/keys.ts';
import type { AreaCollection } from '../lib/map-data.ts';
import { Link } from '../router.tsx';

interface Done {
  result: IntakeResult;
  answered: boolean;
  mergedInto: string | null;
}

/**
 * 受理: the hotline clerk's form, built to be driven from the keyboard during a call: the focus starts in the
 * appeal's text, Tab walks the fields in the order of the call, Ctrl+Enter records, a refusal puts the focus on
 * the field at fault, and a recorded case leaves its number on screen above a fresh form, focus back in the text.
 */
export function IntakePage() {
  const { t, te, locale } = useLocale();
  const { can } = useSession();
  const taxonomy = useTaxonomy();
  const city = useCity();
  const [form] = Form.useForm<IntakeForm>();
  const text = Form.useWatch('text', form);
  const anonymous = Form.useWatch('anonymous', form);
  const nature = Form.useWatch('nature', form);
  const [point, setPoint] = useState<[number, number] | null>(null);
  const [grid, setGrid] = useState<Located | null>(null);
  const [triage, setTriage] = useState<TriageResult | null>(null);
  const [triageFailed, setTriageFailed] = useState(false);
  const [triageLoading, setTriageLoading] = useState(false);
  const [categoryTouched, setCategoryTouched] = useState(false);
  const [mergeInto, setMergeInto] = useState<string | null>(null);
  const [answering, setAnswering] = useState(false);
  const [knowledgeItem, setKnowledgeItem] = useState<string | null>(null);
  const [phoneFocused, setPhoneFocused] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Done | null>(null);
  const textRef = useRef<HTMLTextAreaElement | null>(null);
  const [districts, setDistricts] = useState<AreaCollection | null>(null);

  // District outlines give the pick-on-map a sense of place, even on the offline plain background.
  useEffect(() => {
    api.get<AreaCollection>('/api/v1/geo/areas.geojson', { level: 'district' }).then(setDistricts).catch(() => setDistricts(null));
  }, []);

  // Debounced triage while the clerk types: the suggestion follows the words, not each keystroke.
  useEffect(() => {
    const q = (text ?? '').trim();
    if (q.length < 4) return;
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      setTriageLoading(true);
      api
        .post<TriageResult>('/api/v1/triage', { text: q, ...(point ? { lon: point[0], lat: point[1] } : {}) }, { signal: ctrl.signal })
        .then((r) => {
          setTriage(r);
          setTriageFailed(false);
          if (!categoryTouched) form.setFieldsValue({ category: r.category.code, nature: r.nature.code, urgent: r.urgent });
        })
        .catch((err) => err.name !== 'AbortError' && setTriageFailed(true))
        .finally(() => setTriageLoading(false));
    }, 450);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [text, point, categoryTouched, form]);

  const pick = useCallback((lon: number, lat: number) => {
    setPoint([lon, lat]);
    setGrid(null);
    api
      .get<Located>('/api/v1/geo/locate', { lon, lat }, { anonymous: true })
      .then(setGrid)
      .catch((err) => setError(err));
  }, []);

  // Ready for the next call: an empty form, the focus in the text. The last case's number stays on screen.
  const reset = useCallback(() => {
    form.resetFields();
    setPoint(null);
    setGrid(null);
    setTriage(null);
    setCategoryTouched(false);
    setMergeInto(null);
    setAnswering(false);
    setKnowledgeItem(null);
    setError(null);
    setTimeout(() => textRef.current?.focus(), 0);
  }, [form]);

  // A refusal about one field (by its code) marks that field and puts the focus there; others show on top.
  const refused = (err: unknown) => {
    const field = err instanceof ApiError ? intakeErrorField(err.code, err.body?.errors?.[0]?.path) : null;
    if (!field) return setError(err);
    form.setFields([{ name: field, errors: [te(err)] }]);
    form.scrollToField(field, { focus: true, block: 'center' });
  };

  const submit = async (mode: 'record' | 'answer') => {
    if (busy) return; // Ctrl+Enter pressed twice records once
    const v = await validOrFocus(form);
    if (!v) return;
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<IntakeResult>('/api/v1/cases', intakeBody(v, point));
      let answered = false;
      let mergedInto: string | null = null;
      if (mode === 'answer') {
        await api.post<CaseDetail>(`/api/v1/cases/${created.code}/actions`, { action: 'answer', version: created.version, answer: v.answer });
        if (knowledgeItem) await recordKnowledgeAnswer(knowledgeItem, created.code).catch(() => undefined); // which item answered it
        answered = true;
      } else if (mergeInto && can('case.dispatch')) {
        await api.post<CaseDetail>(`/api/v1/cases/${created.code}/actions`, { action: 'merge', version: created.version, into: mergeInto });
        mergedInto = mergeInto;
      }
      reset();
      setDone({ result: created, answered, mergedInto });
    } catch (err) {
      refused(err);
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (isSubmitKey(e)) {
      e.preventDefault();
      if (answering) void submit('answer');
      else void submit('record');
    } else if (e.altKey && (e.key === 'd' || e.key === 'D') && nature === 'consult') {
      e.preventDefault();
      setAnswering(true);
    }
  };

  return (
    <div onKeyDown={onKeyDown}>
      <Typography.Title level={2} className="page-title" style={{ fontSize: 20 }}>
        {t('intake.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" data-testid="intake-keys">
        {t('intake.keys')}
      </Typography.Paragraph>
      {done && (
        <Alert
          type="success"
          showIcon
          role="status"
          closable
          onClose={() => setDone(null)}
          style={{ marginBottom: 12 }}
          message={<span data-testid="intake-done">{t(done.answered ? 'intake.answered_title' : 'intake.done_title', { code: done.result.code })}</span>}
          description={
            <Space direction="vertical" size={2}>
              <Typography.Text copyable={{ text: `${done.result.code} ${done.result.ratingToken}` }} data-testid="intake-tell" data-code={done.result.code} data-token={done.result.ratingToken}>
                {t('intake.done_tell', { code: done.result.code, token: done.result.ratingToken })}
              </Typography.Text>
              <Typography.Text strong data-testid="intake-rating-code">
                {t('notify.rating_code_tell', { code: done.result.ratingCode })}
              </Typography.Text>
              {done.mergedInto && <Typography.Text>{t('intake.merged', { code: done.mergedInto })}</Typography.Text>}
              <Link to={`/cases/${done.result.code}`}>{t('case.open_detail', { code: done.result.code })}</Link>
            </Space>
          }
        />
      )}
      {error !== null && <Alert type="error" showIcon role="alert" message={te(error)} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} />}
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card>
            {/* No implicit submit: a stray Enter in a one-line field (or on an address suggestion) must not file half a call. */}
            <Form form={form} layout="vertical" initialValues={{ anonymous: false, urgent: false }}>
              <Form.Item label={t('field.text')} name="text" rules={[{ required: true, message: t('error.case.empty_text') }, { min: 2, message: t('error.case.empty_text') }]}>
                <Input.TextArea ref={(r) => void (textRef.current = r?.resizableTextArea?.textArea ?? null)} rows={5} autoFocus maxLength={4000} showCount placeholder={t('intake.text_placeholder')} data-testid="intake-text" />
              </Form.Item>
              <Row gutter={12}>
                <Col xs={24} sm={6}>
                  <Form.Item label={t('field.reporter')} name="anonymous" valuePropName="checked">
                    <Checkbox>{t('field.anonymous')}</Checkbox>
                  </Form.Item>
                </Col>
                <Col xs={24} sm={8}>
                  <Form.Item label={t('field.caller_name')} name="callerName">
                    <Input disabled={anonymous} maxLength={50} autoComplete="off" />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={10}>
                  <Form.Item label={t('field.caller_phone')} name="callerPhone" rules={[{ validator: async (_, v?: string) => (!v || isPlausiblePhone(v) ? undefined : Promise.reject(new Error(t('error.case.bad_phone')))) }]} getValueProps={(v?: string) => ({ value: v && !phoneFocused ? maskPhone(v) : v })}>
                    <Input disabled={anonymous} inputMode="tel" autoComplete="off" maxLength={20} onFocus={() => setPhoneFocused(true)} onBlur={() => setPhoneFocused(false)} />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item label={t('field.address')} name="address">
                <AddressInput onChoose={(c) => c.lon !== null && c.lat !== null && pick(c.lon, c.lat)} />
              </Form.Item>
              <Row gutter={12}>
                <Col xs={24} sm={12}>
                  {/* Once the clerk is in the category, triage no longer changes it under their keys (it did mid-typing). */}
                  <Form.Item label={t('field.category')} name="category">
                    <Select showSearch allowClear optionFilterProp="label" onFocus={() => setCategoryTouched(true)} onChange={() => setCategoryTouched(true)} options={taxonomy.categories.map((c) => ({ value: c.code, label: categoryName(taxonomy.categories, c.code, locale) }))} data-testid="intake-category" />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={8}>
                  <Form.Item label={t('field.nature')} name="nature">
                    <Select allowClear onChange={() => setCategoryTouched(true)} options={taxonomy.natures.map((n) => ({ value: n.code, label: t(`nature.${n.code}` as MessageKey) }))} />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={4}>
                  <Form.Item label={t('field.urgent')} name="urgent" valuePropName="checked">
                    <Switch />
                  </Form.Item>
                </Col>
              </Row>
              {answering && (
                <Form.Item label={t('field.answer')} name="answer" rules={[{ required: true, message: t('error.case.answer_required') }]} extra={t('intake.answer_hint')}>
                  <Input.TextArea rows={3} autoFocus maxLength={4000} />
                </Form.Item>
              )}
              <Space wrap>
                {!answering && (
                  <Button type="primary" loading={busy} onClick={() => void submit('record')} aria-keyshortcuts="Control+Enter" data-testid="intake-submit">
                    {t('intake.submit')} (Ctrl+Enter)
                  </Button>
                )}
                {nature === 'consult' && !answering && can('case.accept') && <Button onClick={() => setAnswering(true)} aria-keyshortcuts="Alt+D">{t('intake.answer_directly')} (Alt+D)</Button>}
                {answering && (
                  <>
                    <Button type="primary" loading={busy} onClick={() => void submit('answer')} aria-keyshortcuts="Control+Enter">
                      {t('intake.answer_directly')} (Ctrl+Enter)
                    </Button>
                    <Button onClick={() => setAnswering(false)}>{t('common.cancel')}</Button>
                  </>
                )}
              </Space>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Space direction="vertical" style={{ width: '100%' }}>
            <TriagePanel result={triage} failed={triageFailed} loading={triageLoading} mergeInto={mergeInto} onMerge={can('case.dispatch') ? setMergeInto : null} onApply={(code) => (form.setFieldsValue({ category: code }), setCategoryTouched(true))}>
              <Card size="small" title={`${t('field.location')} · ${t('map.pick_point')}`}>
                <MapView height={240} label={t('map.pick_point')} bounds={city?.bbox ?? null} areas={districts} picked={point} onPick={pick} />
                <Typography.Text type="secondary" data-testid="intake-grid">
                  {point ? `${point[0].toFixed(5)}, ${point[1].toFixed(5)}` : t('detail.not_located')} {grid && `· ${t('intake.located_in', { grid: grid.grid.name })}`}
                </Typography.Text>
              </Card>
            </TriagePanel>
            {can('knowledge.read') && <KnowledgeSuggest text={text} onUse={(item, answer) => (form.setFieldsValue({ nature: 'consult', answer }), setAnswering(true), setKnowledgeItem(item.id))} />}
          </Space>
        </Col>
      </Row>
    </div>
  );
}
