import { Alert, Button, Col, Form, Input, InputNumber, Modal, Radio, Row, Select, Space, Switch, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import type { ConsultationDetail, ParticipationSpace } from '../../../shared/participation.ts';
import { api } from '../api/client.ts';
import { unitOptions, useDepartments } from '../api/reference.ts';
import { AreaTreePicker } from '../components/area-tree-picker.tsx';
import { MapView } from '../components/map-view.tsx';
import { useLocale } from '../i18n/locale.tsx';
import type { AreaCollection } from '../lib/map-data.ts';
import { isoOf, timetableProblem, timetableSteps, type Step } from '../lib/timetable.ts';

export const S = '/api/v1/participation';

/** 责任单位: a department picked by name (a Form.Item hands it value and onChange). */
export function UnitSelect(props: { value?: string; onChange?: (code: string | undefined) => void; id?: string }) {
  const { t, locale } = useLocale();
  const departments = useDepartments();
  return <Select {...props} allowClear showSearch optionFilterProp="label" aria-label={t('part.console.responsible_unit')} options={unitOptions(departments, locale)} />;
}

/** 开设议事空间: a space for an area of my scope, picked on the area tree. */
export function SpaceModal({ onClose, onSaved }: { onClose(): void; onSaved(s: ParticipationSpace): void }) {
  const { t, te } = useLocale();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const v = (await form.validateFields().catch(() => null)) as { areaCode: string; title: string; description?: string; responsibleUnit?: string; supportThreshold?: number; answerDays?: number } | null;
    if (!v) return;
    try {
      onSaved(await api.post<ParticipationSpace>(`${S}/spaces`, v));
    } catch (err) {
      setError(te(err));
    }
  };
  return (
    <Modal open width={560} title={t('part.console.new_space')} onOk={() => void submit()} onCancel={onClose} okText={t('common.save')} cancelText={t('common.cancel')}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={{ supportThreshold: 20, answerDays: 15 }}>
        <Form.Item name="areaCode" label={t('part.console.area')} rules={[{ required: true, message: t('part.console.area_rule') }]}>
          <AreaTreePicker aria-label={t('part.console.area')} deepest="grid" />
        </Form.Item>
        <Form.Item name="title" label={t('part.console.space_title')} rules={[{ required: true, min: 2, max: 120 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="description" label={t('part.console.description')}>
          <Input.TextArea rows={2} maxLength={4000} />
        </Form.Item>
        <Form.Item name="responsibleUnit" label={t('part.console.responsible_unit')}>
          <UnitSelect />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="supportThreshold" label={t('part.console.threshold')}>
              <InputNumber min={1} max={100000} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="answerDays" label={t('part.console.answer_days')}>
              <InputNumber min={1} max={365} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}

interface ConsultationValues {
  title: string;
  topic?: string;
  background?: string;
  references?: { title: string; url: string }[];
  place?: string;
  kind: 'single' | 'multiple' | 'ranking';
  maxChoices?: number;
  resultsLive: boolean;
  options: { label: string }[];
  proposalAt?: string;
  deliberationAt: string;
  opensAt: string;
  closesAt: string;
  resultAt?: string;
}

/** The outline of one area and its extent, to pick a point inside it. */
function useAreaOutline(code: string | undefined) {
  const [areas, setAreas] = useState<AreaCollection | null>(null);
  useEffect(() => {
    if (!code) return;
    api
      .get<AreaCollection>('/api/v1/geo/areas.geojson', { within: code })
      .then((fc) => setAreas({ type: 'FeatureCollection', features: fc.features.filter((f) => f.properties.code === code) }))
      .catch(() => setAreas(null));
  }, [code]);
  const bounds = useMemo(() => {
    const xs: number[] = [];
    const ys: number[] = [];
    const walk = (c: unknown): void => {
      if (Array.isArray(c) && typeof c[0] === 'number') {
        xs.push(c[0]);
        ys.push(c[1] as number);
      } else if (Array.isArray(c)) c.forEach(walk);
    };
    areas?.features.forEach((f) => walk(f.geometry.coordinates));
    return xs.length ? ([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] as [number, number, number, number]) : null;
  }, [areas]);
  return { areas, bounds };
}

/** 新建议事: topic and background, references, the place on the map, the poll and its options, the timetable. */
export function ConsultationModal({
  spaces,
  initial,
  send = async (spaceId, body) => (await api.post<ConsultationDetail>(`${S}/spaces/${spaceId}/consultations`, body)).id,
  onClose,
  onSaved,
}: {
  spaces: ParticipationSpace[];
  /** prefilled fields, e.g. from the proposal it answers */
  initial?: { spaceId?: string; title?: string; background?: string };
  /** where the consultation goes (its own endpoint, or inside a proposal's answer); resolves to its id */
  send?: (spaceId: string, body: Record<string, unknown>) => Promise<string | null>;
  onClose(): void;
  onSaved(consultationId: string | null): void;
}) {
  const { t, te } = useLocale();
  const [form] = Form.useForm<ConsultationValues & { spaceId: string }>();
  const [error, setError] = useState<string | null>(null);
  const [point, setPoint] = useState<[number, number] | null>(null);
  const spaceId = Form.useWatch('spaceId', form);
  const kind = Form.useWatch('kind', form);
  const space = spaces.find((s) => s.id === spaceId);
  const { areas, bounds } = useAreaOutline(space?.area.code);

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const body = {
      title: v.title,
      topic: v.topic || undefined,
      background: v.background || undefined,
      references: (v.references ?? []).filter((r) => r?.title && r?.url),
      place: v.place || undefined,
      ...(point ? { lon: point[0], lat: point[1] } : {}),
      kind: v.kind,
      maxChoices: v.kind === 'multiple' ? v.maxChoices : undefined,
      resultsLive: v.resultsLive,
      options: v.options.map((o) => o.label),
      proposalAt: isoOf(v.proposalAt),
      deliberationAt: isoOf(v.deliberationAt),
      opensAt: isoOf(v.opensAt),
      closesAt: isoOf(v.closesAt),
      resultAt: isoOf(v.resultAt),
    };
    try {
      onSaved(await send(v.spaceId, body));
    } catch (err) {
      setError(te(err));
    }
  };

  // Each step is checked against the ones before it, with the server's own message for an order it refuses.
  const inOrder = (step: Step) => ({
    validator: () => (timetableProblem(form.getFieldsValue(timetableSteps as unknown as Step[])) === step ? Promise.reject(new Error(t('error.participation.bad_timetable'))) : Promise.resolve()),
  });
  const stepField = (step: Step, required: boolean) => (
    <Form.Item name={step} label={t(`part.console.${step}`)} dependencies={timetableSteps.filter((s) => s !== step)} rules={[...(required ? [{ required: true, message: t('part.console.time_rule') }] : []), inOrder(step)]}>
      <Input type="datetime-local" />
    </Form.Item>
  );
  const distinct = {
    validator: (_: unknown, opts: { label?: string }[] | undefined) => {
      const labels = (opts ?? []).map((o) => o?.label?.trim()).filter(Boolean);
      return labels.length >= 2 && new Set(labels).size === labels.length ? Promise.resolve() : Promise.reject(new Error(t('error.participation.bad_options')));
    },
  };

  return (
    <Modal open width={820} title={t('part.console.new_consultation')} onOk={() => void submit()} onCancel={onClose} okText={t('common.save')} cancelText={t('common.cancel')} destroyOnHidden>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} role="alert" />}
      <Form form={form} layout="vertical" initialValues={{ spaceId: spaces[0]?.id, kind: 'single', resultsLive: false, options: [{ label: '' }, { label: '' }], references: [], ...initial }}>
        <Form.Item name="spaceId" label={t('part.space')} rules={[{ required: true }]}>
          <Select aria-label={t('part.space')} disabled={initial?.spaceId !== undefined} options={spaces.map((s) => ({ value: s.id, label: `${s.title}（${s.area.name}）` }))} />
        </Form.Item>
        <Form.Item name="title" label={t('part.console.consultation_title')} rules={[{ required: true, min: 2, max: 200 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="topic" label={t('part.console.topic')}>
          <Input maxLength={2000} />
        </Form.Item>
        <Form.Item name="background" label={t('part.background')}>
          <Input.TextArea rows={3} maxLength={10000} />
        </Form.Item>
        <Typography.Text strong>{t('part.documents')}</Typography.Text>
        <Form.List name="references">
          {(fields, { add, remove }) => (
            <div style={{ margin: '8px 0 16px' }}>
              {fields.map((f) => (
                <Space key={f.key} align="baseline" style={{ display: 'flex' }}>
                  <Form.Item name={[f.name, 'title']} rules={[{ required: true, max: 200 }]}>
                    <Input placeholder={t('part.console.ref_title')} aria-label={t('part.console.ref_title')} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'url']} rules={[{ required: true, pattern: /^(https?:\/\/|\/)/, message: t('part.console.ref_url_rule') }]}>
                    <Input placeholder="https://…" aria-label={t('part.console.ref_url')} style={{ width: 340 }} />
                  </Form.Item>
                  <Button type="link" onClick={() => remove(f.name)}>
                    {t('part.console.remove')}
                  </Button>
                </Space>
              ))}
              <Button onClick={() => add({ title: '', url: '' })}>{t('part.console.add_reference')}</Button>
            </div>
          )}
        </Form.List>
        <Form.Item name="place" label={t('part.place')}>
          <Input maxLength={200} />
        </Form.Item>
        <Typography.Text type="secondary">{point ? t('part.console.point_picked', { lon: point[0], lat: point[1] }) : t('part.console.pick_point')}</Typography.Text>
        <div style={{ margin: '8px 0 16px' }} data-testid="consultation-pick-map">
          <MapView height={260} label={t('part.console.pick_point')} areas={areas} bounds={bounds} picked={point} onPick={(lon, lat) => setPoint([lon, lat])} />
        </div>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="kind" label={t('part.console.kind')}>
              <Radio.Group options={(['single', 'multiple', 'ranking'] as const).map((k) => ({ value: k, label: t(`part.console.kind.${k}`) }))} />
            </Form.Item>
          </Col>
          <Col span={6}>
            {kind === 'multiple' && (
              <Form.Item name="maxChoices" label={t('part.console.max_choices')}>
                <InputNumber min={1} max={50} />
              </Form.Item>
            )}
          </Col>
          <Col span={6}>
            <Form.Item name="resultsLive" label={t('part.console.results_live')} valuePropName="checked">
              <Switch aria-label={t('part.console.results_live')} />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Text strong>{t('part.console.options')}</Typography.Text>
        <Form.List name="options" rules={[distinct]}>
          {(fields, { add, remove }, { errors }) => (
            <div style={{ margin: '8px 0 16px' }}>
              {fields.map((f, i) => (
                <Space key={f.key} align="baseline" style={{ display: 'flex' }}>
                  <Form.Item name={[f.name, 'label']} rules={[{ required: true, max: 200, message: t('part.console.option_rule') }]}>
                    <Input aria-label={t('part.console.option_n', { n: i + 1 })} style={{ width: 360 }} />
                  </Form.Item>
                  {fields.length > 2 && (
                    <Button type="link" onClick={() => remove(f.name)}>
                      {t('part.console.remove')}
                    </Button>
                  )}
                </Space>
              ))}
              <Button onClick={() => add({ label: '' })}>{t('part.console.add_option')}</Button>
              <Form.ErrorList errors={errors} />
            </div>
          )}
        </Form.List>
        <Typography.Text strong>{t('part.timetable')}</Typography.Text>
        <Row gutter={12} style={{ marginTop: 8 }}>
          <Col span={8}>{stepField('proposalAt', false)}</Col>
          <Col span={8}>{stepField('deliberationAt', true)}</Col>
          <Col span={8}>{stepField('opensAt', true)}</Col>
          <Col span={8}>{stepField('closesAt', true)}</Col>
          <Col span={8}>{stepField('resultAt', false)}</Col>
        </Row>
      </Form>
    </Modal>
  );
}
