import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, DatePicker, Drawer, Row, Segmented, Space, Table, Tabs, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { LineChart, RadarChart } from 'echarts/charts';
import { RadarComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { useEffect, useMemo, useState } from 'react';
import { indicatorByCode, type AreaLevel, type SubjectType } from '../../../shared/evaluation.ts';
import { api, getToken, queryString, type Page } from '../api/client.ts';
import type { CaseSummary } from '../api/types.ts';
import { EChart, type ChartOption } from '../components/echart.tsx';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { Link } from '../router.tsx';
import type { EvalIndicator, EvalItem, EvalScores } from '../lib/evaluation.ts';

echarts.use([RadarChart, LineChart, RadarComponent]);

type Kind = 'month' | 'quarter' | 'year';
const periodOf = (kind: Kind, d: Dayjs) => (kind === 'month' ? d.format('YYYY-MM') : kind === 'quarter' ? `${d.year()}-Q${Math.floor(d.month() / 3) + 1}` : String(d.year()));

/**
 * 综合评价: the leader's "who is doing well": rankings of units, areas and posts with the change since the
 * previous period, each subject's points on a radar and its score over 12 months, every number a link to its
 * cases, and the same table as a spreadsheet.
 */
export function EvaluationPage() {
  const { t, te, locale } = useLocale();
  const [subject, setSubject] = useState<SubjectType>('department');
  const [level, setLevel] = useState<AreaLevel>('district');
  const [kind, setKind] = useState<Kind>('month');
  // the last complete month: the current one has only begun
  const [when, setWhen] = useState<Dayjs>(() => dayjs().subtract(1, 'month'));
  const [data, setData] = useState<EvalScores | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const [trend, setTrend] = useState<{ month: string; score: number | null }[]>([]);
  const [drill, setDrill] = useState<{ title: string; query: Record<string, string>; page: number; result: Page<CaseSummary> | null } | null>(null);
  const period = periodOf(kind, when);
  const query = useMemo(() => ({ subject, period, ...(subject === 'area' ? { level } : {}) }), [subject, period, level]);

  useEffect(() => {
    setData(null);
    api.get<EvalScores>('/api/v1/evaluation/scores', query).then((d) => {
      setData(d);
      setError(null);
      setPicked((p) => (d.items.some((i) => i.subject.code === p) ? p : (d.items.find((i) => i.ranked)?.subject.code ?? null)));
    }, setError);
  }, [query]);
  const item = data?.items.find((i) => i.subject.code === picked) ?? null;

  useEffect(() => {
    if (!picked || !data) return setTrend([]);
    const to = dayjs(data.to);
    api
      .get<{ points: { month: string; score: number | null }[] }>('/api/v1/evaluation/trend', { subject, code: picked, from: to.subtract(11, 'month').startOf('month').format('YYYY-MM-DD'), to: data.to })
      .then((r) => setTrend(r.points), () => setTrend([]));
  }, [picked, data, subject]);

  useEffect(() => {
    if (!drill || drill.result) return;
    api.get<Page<CaseSummary>>('/api/v1/evaluation/cases', { ...drill.query, page: drill.page, pageSize: 10 }).then((result) => setDrill((d) => (d ? { ...d, result } : d)), setError);
  }, [drill]);

  const name = (code: string) => {
    const d = indicatorByCode.get(code);
    return d ? (locale === 'en-US' ? d.nameEn : d.name) : code;
  };
  const weights = data?.scheme.weights ?? {};
  const weighted = Object.keys(weights);

  const radar = useMemo<ChartOption>(() => {
    // indicators without data (no objections to judge, no ratings) are left off rather than drawn as zero
    const shown = weighted.filter((c) => item?.indicators.find((i) => i.code === c)?.points != null);
    const inds = shown.map((c) => ({ name: name(c), max: 100 }));
    return {
      tooltip: {},
      radar: { indicator: inds, radius: '65%', axisName: { color: '#333' } },
      series: [{ type: 'radar', data: [{ name: item?.subject.name ?? '', value: shown.map((c) => item?.indicators.find((i) => i.code === c)?.points ?? 0), areaStyle: { opacity: 0.25 } }] }],
    };
  }, [item, weighted.join(','), locale]); // eslint-disable-line react-hooks/exhaustive-deps
  const trendChart = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 16, top: 16, bottom: 24, containLabel: true },
      xAxis: { type: 'category', data: trend.map((p) => p.month) },
      yAxis: { type: 'value', min: 0, max: 100 },
      series: [{ type: 'line', data: trend.map((p) => p.score), connectNulls: false, smooth: true, itemStyle: { color: '#1456b8' } }],
    }),
    [trend],
  );

  async function exportXlsx() {
    const res = await fetch(`/api/v1/evaluation/scores.xlsx${queryString(query)}`, { headers: { authorization: `Bearer ${getToken() ?? ''}` } });
    if (!res.ok) return setError(new Error(`export failed: ${res.status}`));
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `evaluation-${subject}-${period}.xlsx`;
    a.click();
    URL.revokeObjectURL(url);
  }

  const openDrill = (ind: EvalIndicator, part: 'numerator' | 'denominator') => {
    const q = ind.drill[part];
    if (q) setDrill({ title: t('eval.drill_title', { indicator: name(ind.code), part: t(`eval.${part}`), n: part === 'numerator' ? ind.numerator : (ind.denominator ?? 0) }), query: q, page: 1, result: null });
  };
  const pct = (v: number | null, code: string) => (v === null ? '—' : indicatorByCode.get(code)?.unit === '%' ? `${(v * 100).toFixed(1)}%` : String(v));

  return (
    <div>
      <Typography.Title level={2} className="page-title" style={{ fontSize: 20 }}>
        {t('eval.title')}
      </Typography.Title>
      {error !== null && <Alert type="error" showIcon message={te(error)} style={{ marginBottom: 12 }} />}
      <Space wrap style={{ marginBottom: 8 }}>
        <Tabs activeKey={subject} onChange={(k) => setSubject(k as SubjectType)} items={(['department', 'area', 'post'] as const).map((s) => ({ key: s, label: t(`eval.subject.${s}`) }))} />
        {subject === 'area' && <Segmented aria-label={t('eval.level.district')} value={level} onChange={(v) => setLevel(v as AreaLevel)} options={(['district', 'street', 'community', 'grid'] as const).map((l) => ({ value: l, label: t(`eval.level.${l}`) }))} />}
        <Segmented aria-label={t('eval.kind.month')} value={kind} onChange={(v) => setKind(v as Kind)} options={(['month', 'quarter', 'year'] as const).map((k) => ({ value: k, label: t(`eval.kind.${k}`) }))} />
        <DatePicker picker={kind} value={when} allowClear={false} onChange={(d) => d && setWhen(d)} aria-label="period" />
        <Button icon={<DownloadOutlined aria-hidden />} onClick={() => void exportXlsx()} data-testid="eval-export">
          {t('eval.export')}
        </Button>
        {data && <Typography.Text type="secondary">{`${data.from} — ${data.to} · ${data.scheme.name}`}</Typography.Text>}
      </Space>
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={14}>
          <Card size="small">
            <Table<EvalItem>
              size="small"
              rowKey={(r) => r.subject.code}
              loading={!data && !error}
              dataSource={data?.items ?? []}
              pagination={{ pageSize: 15, showSizeChanger: false }}
              onRow={(r) => ({ onClick: () => setPicked(r.subject.code), style: { cursor: 'pointer', background: r.subject.code === picked ? '#e8f0fc' : undefined } })}
              data-testid="eval-ranking"
              columns={[
                { title: t('eval.rank'), width: 64, render: (_, r) => (r.ranked ? r.rank : <Tag title={t('eval.not_ranked')}>—</Tag>) },
                { title: t('eval.name'), render: (_, r) => r.subject.name },
                { title: t('eval.score'), width: 80, render: (_, r) => <strong>{r.score ?? '—'}</strong> },
                {
                  title: t('eval.change'),
                  width: 90,
                  render: (_, r) => (r.rankDelta === null ? '—' : r.rankDelta > 0 ? <span style={{ color: '#1a7f37' }}>▲ {r.rankDelta}</span> : r.rankDelta < 0 ? <span style={{ color: '#b42318' }}>▼ {-r.rankDelta}</span> : '＝'),
                },
                { title: t('eval.cases'), width: 80, render: (_, r) => r.caseCount },
                ...weighted.slice(0, 3).map((c) => ({ title: name(c), width: 96, render: (_: unknown, r: EvalItem) => pct(r.indicators.find((i) => i.code === c)?.value ?? null, c) })),
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={`${t('eval.radar')}${item ? ` · ${item.subject.name}` : ''}`}>
            {item ? <EChart option={radar} height={300} summary={weighted.map((c) => `${name(c)} ${item.indicators.find((i) => i.code === c)?.points ?? '—'}`).join(', ')} /> : <Typography.Text type="secondary">{t('eval.pick_subject')}</Typography.Text>}
          </Card>
          <Card size="small" title={t('eval.trend')} style={{ marginTop: 12 }}>
            <EChart option={trendChart} height={200} summary={trend.map((p) => `${p.month} ${p.score ?? '—'}`).join(', ')} />
          </Card>
        </Col>
        {item && (
          <Col span={24}>
            <Card size="small" title={`${item.subject.name} · ${t('eval.score')} ${item.score ?? '—'}`} extra={<Typography.Text type="secondary">{t('eval.formula_note')}</Typography.Text>}>
              <Table<EvalIndicator>
                size="small"
                rowKey="code"
                pagination={false}
                dataSource={item.indicators}
                data-testid="eval-indicators"
                columns={[
                  { title: t('eval.indicator'), render: (_, i) => <span title={indicatorByCode.get(i.code)?.formula}>{name(i.code)}</span> },
                  { title: t('eval.value'), render: (_, i) => pct(i.value, i.code) },
                  { title: t('eval.numerator'), render: (_, i) => (i.drill.numerator ? <a onClick={() => openDrill(i, 'numerator')}>{i.numerator}</a> : i.numerator) },
                  { title: t('eval.denominator'), render: (_, i) => (i.drill.denominator ? <a onClick={() => openDrill(i, 'denominator')}>{i.denominator}</a> : (i.denominator ?? '—')) },
                  { title: t('eval.points'), render: (_, i) => i.points ?? '—' },
                  { title: t('eval.weight'), render: (_, i) => weights[i.code] ?? '' },
                ]}
              />
            </Card>
          </Col>
        )}
      </Row>
      <Drawer width={720} open={drill !== null} onClose={() => setDrill(null)} title={drill?.title}>
        <Table<CaseSummary>
          size="small"
          rowKey="code"
          loading={drill !== null && !drill.result}
          dataSource={drill?.result?.items ?? []}
          pagination={{ current: drill?.page ?? 1, pageSize: 10, total: drill?.result?.total ?? 0, onChange: (page) => setDrill((d) => (d ? { ...d, page, result: null } : d)), showSizeChanger: false }}
          columns={[
            { title: 'Code', render: (_, c) => <Link to={`/cases/${c.code}`}>{c.code}</Link> },
            { title: t('eval.name'), render: (_, c) => c.text.slice(0, 24) },
            { title: 'State', render: (_, c) => t(`state.${c.state}` as MessageKey) },
            { title: 'Created', render: (_, c) => dayjs(c.createdAt).format('YYYY-MM-DD HH:mm') },
          ]}
        />
      </Drawer>
    </div>
  );
}
