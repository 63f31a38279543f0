import { Spin } from 'antd';
import dayjs from 'dayjs';
import { LineChart } from 'echarts/charts';
import * as echarts from 'echarts/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, type Page } from '../api/client.ts';
import { useCity } from '../api/reference.ts';
import type { CaseSummary } from '../api/types.ts';
import { useSession } from '../auth/session.tsx';
import { EChart, type ChartOption } from '../components/echart.tsx';
import { MapView } from '../components/map-view.tsx';
import { useLocale } from '../i18n/locale.tsx';
import { hotspotColor, type Dashboard, type Hotspots } from '../lib/dashboard.ts';
import { pooledRate, type EvalScores } from '../lib/evaluation.ts';
import { navigate } from '../router.tsx';

echarts.use([LineChart]);

interface Pulse {
  today: { received: number; dispatched: number };
  avg7: { received: number; dispatched: number };
  series: { day: string; received: number; dispatched: number }[];
}
interface AlarmRow {
  id: string;
  deviceId: string;
  type: string;
  severity: string;
  raisedAt: string;
  lastValue: number | null;
}

const REFRESH_MS = 30_000;
// sizes follow the wall's width, so a 3840 px screen reads like a 1920 one from across the room
const vw = (n: number) => `${n}vw`;
const panel = { background: 'linear-gradient(180deg, #0d2547 0%, #0a1c36 100%)', border: '1px solid #1d4a85', borderRadius: vw(0.4), padding: vw(0.8), minHeight: 0, overflow: 'hidden' } as const;
const heading = { color: '#7fc4ff', fontSize: vw(1.05), fontWeight: 600, margin: `0 0 ${vw(0.5)}` } as const;
const chartFont = () => Math.max(14, Math.round(window.innerWidth / 110));
const darkAxis = () => ({ axisLine: { lineStyle: { color: '#5b7aa6' } }, axisLabel: { color: '#b9cce6', fontSize: chartFont() }, splitLine: { lineStyle: { color: '#1d3a63' } } });

/**
 * 大屏: the operations room's video wall (1920×1080 or 3840×2160). No console chrome, dark, large type,
 * refreshed every 30 s: today's intake against the 7-day average, open and overdue work, cards and alarms,
 * last month's key rates and department ranking, a ticker of alarms and red cards, and the hotspot map.
 */
export function BigScreenPage() {
  const { status } = useSession();
  const { t } = useLocale();
  const city = useCity();
  const [dash, setDash] = useState<Dashboard | null>(null);
  const [pulse, setPulse] = useState<Pulse | null>(null);
  const [ranking, setRanking] = useState<EvalScores | null>(null);
  const [hot, setHot] = useState<Hotspots | null>(null);
  const [alarms, setAlarms] = useState<AlarmRow[]>([]);
  const [reds, setReds] = useState<Page<CaseSummary> | null>(null);
  const [now, setNow] = useState(dayjs());

  useEffect(() => {
    if (status === 'signed_out') navigate('/login?next=%2Fscreen', { replace: true });
  }, [status]);

  const load = useCallback(() => {
    const lastMonth = dayjs().subtract(1, 'month').format('YYYY-MM');
    const keep = <T,>(set: (v: T) => void) => (v: T) => set(v);
    api.get<Dashboard>('/api/v1/brain/dashboard').then(keep(setDash), () => undefined);
    api.get<Pulse>('/api/v1/evaluation/pulse').then(keep(setPulse), () => undefined);
    api.get<EvalScores>('/api/v1/evaluation/scores', { subject: 'department', period: lastMonth }).then(keep(setRanking), () => undefined);
    api.get<Hotspots>('/api/v1/brain/hotspots', { window: '7d', res: 8 }).then(keep(setHot), () => undefined);
    api.get<Page<AlarmRow>>('/api/v1/alarms', { status: 'active', pageSize: 8 }).then((p) => setAlarms(p.items), () => undefined);
    api.get<Page<CaseSummary>>('/api/v1/cases', { supervision: 'red', state: 'dispatched,handling,returned', pageSize: 8 }).then(keep(setReds), () => undefined);
  }, []);
  useEffect(() => {
    if (status !== 'signed_in') return;
    load();
    const id = setInterval(load, REFRESH_MS);
    const tick = setInterval(() => setNow(dayjs()), 1000);
    return () => (clearInterval(id), clearInterval(tick));
  }, [status, load]);

  const trend = useMemo<ChartOption>(
    () => ({
      grid: { left: chartFont() * 3, right: 24, top: chartFont() * 2.5, bottom: chartFont() * 2 },
      legend: { textStyle: { color: '#d5e4f7', fontSize: chartFont() }, top: 0, itemWidth: chartFont() * 1.5, itemHeight: chartFont() * 0.8 },
      xAxis: { type: 'category', data: (pulse?.series ?? []).map((d) => d.day.slice(5)), ...darkAxis() },
      yAxis: { type: 'value', minInterval: 1, ...darkAxis() },
      series: [
        { name: t('screen.today_received'), type: 'line', smooth: true, data: (pulse?.series ?? []).map((d) => d.received), itemStyle: { color: '#36c3ff' }, lineStyle: { width: 4 }, symbolSize: chartFont() / 2 },
        { name: t('screen.today_dispatched'), type: 'line', smooth: true, data: (pulse?.series ?? []).map((d) => d.dispatched), itemStyle: { color: '#ffc53d' }, lineStyle: { width: 4 } },
      ],
    }),
    [pulse, t],
  );
  const max = Math.max(0, ...(hot?.cells ?? []).map((c) => c.total));
  const points = useMemo(() => (hot?.cells ?? []).map((c) => ({ id: c.h3, lon: c.center[0], lat: c.center[1], color: hotspotColor(c.total, max) })), [hot, max]);

  if (status !== 'signed_in') return <Spin fullscreen />;
  const ranked = (ranking?.items ?? []).filter((i) => i.ranked).slice(0, 10);
  const kpi = (label: string, value: number | string, sub?: string, color = '#ffffff') => (
    <div style={{ ...panel, textAlign: 'center' }} data-testid="screen-kpi">
      <div style={{ color: '#9fb7d9', fontSize: vw(0.95) }}>{label}</div>
      <div style={{ color, fontSize: vw(2.6), fontWeight: 700, lineHeight: 1.15, fontVariantNumeric: 'tabular-nums' }}>{value}</div>
      {sub && <div style={{ color: '#9fb7d9', fontSize: vw(0.8) }}>{sub}</div>}
    </div>
  );
  const versus = (today: number, avg: number) => `${t('screen.avg7', { n: avg })} ${today >= avg ? '▲' : '▼'} ${avg > 0 ? Math.round(((today - avg) / avg) * 100) : 0}%`;
  const rate = (code: string, label: string) => {
    const v = pooledRate(ranking, code);
    return (
      <div key={code} style={{ display: 'flex', justifyContent: 'space-between', fontSize: vw(1.05), color: '#d5e4f7', padding: `${vw(0.25)} 0`, borderBottom: '1px solid #17365f' }}>
        <span>{label}</span>
        <strong style={{ color: '#36c3ff', fontVariantNumeric: 'tabular-nums' }}>{v === null ? '—' : `${(v * 100).toFixed(1)}%`}</strong>
      </div>
    );
  };
  const ticker = [
    ...alarms.map((a) => ({ key: `a${a.id}`, at: a.raisedAt, text: `⚠ ${a.deviceId} ${a.type} ${a.lastValue ?? ''}`, color: '#ff7875' })),
    ...(reds?.items ?? []).map((c) => ({ key: `c${c.code}`, at: c.updatedAt, text: `● 红牌 ${c.code} ${c.text.slice(0, 16)}`, color: '#ff4d4f' })),
  ].sort((a, b) => b.at.localeCompare(a.at));

  return (
    <main data-testid="big-screen" style={{ position: 'fixed', inset: 0, background: '#050f1f', color: '#fff', display: 'grid', gridTemplateRows: `${vw(3.6)} ${vw(7)} 1fr`, gap: vw(0.6), padding: vw(0.8), fontFamily: 'system-ui, "PingFang SC", "Microsoft YaHei", sans-serif' }}>
      <header style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', borderBottom: '2px solid #1d4a85' }}>
        <h1 style={{ margin: 0, fontSize: vw(1.9), letterSpacing: vw(0.15), color: '#e6f2ff' }}>{`${city?.name ?? ''} · ${t('screen.title')}`}</h1>
        <div style={{ fontSize: vw(1.4), color: '#9fb7d9', fontVariantNumeric: 'tabular-nums' }}>{now.format('YYYY-MM-DD HH:mm:ss')}</div>
      </header>
      <section style={{ display: 'grid', gridTemplateColumns: 'repeat(6, 1fr)', gap: vw(0.6) }}>
        {kpi(t('screen.today_received'), pulse?.today.received ?? 0, pulse ? versus(pulse.today.received, pulse.avg7.received) : undefined)}
        {kpi(t('screen.today_dispatched'), pulse?.today.dispatched ?? 0, pulse ? versus(pulse.today.dispatched, pulse.avg7.dispatched) : undefined)}
        {kpi(t('screen.open'), dash?.cases.open ?? 0)}
        {kpi(t('screen.overdue'), dash?.cases.overdue ?? 0, undefined, '#ff7875')}
        {kpi(t('screen.red'), reds?.total ?? 0, undefined, '#ff4d4f')}
        {kpi(t('screen.alarms'), dash?.alarms.active ?? 0, undefined, '#ffc53d')}
      </section>
      <section style={{ display: 'grid', gridTemplateColumns: '1fr 1.6fr 1fr', gap: vw(0.6), minHeight: 0 }}>
        <div style={{ display: 'grid', gridTemplateRows: 'auto 1fr', gap: vw(0.6), minHeight: 0 }}>
          <div style={panel}>
            <h2 style={heading}>{t('screen.rates')}</h2>
            {rate('handling_ontime_rate', '按期处置率')}
            {rate('close_rate', '结案率')}
            {rate('satisfaction_rate', '满意率')}
            {rate('rework_rate', '返工率')}
            {rate('reopen_rate', '不满意重开率')}
          </div>
          <div style={panel}>
            <h2 style={heading}>{t('screen.trend')}</h2>
            <EChart option={trend} height={Math.round(window.innerHeight * 0.26)} summary={(pulse?.series ?? []).map((d) => `${d.day} ${d.received}/${d.dispatched}`).join(', ')} />
          </div>
        </div>
        <div style={{ ...panel, display: 'flex', flexDirection: 'column' }}>
          <h2 style={heading}>{t('screen.hotspots')}</h2>
          <div style={{ flex: 1, minHeight: 0 }}>
            <MapView height={Math.round(window.innerHeight * 0.66)} label={t('screen.hotspots')} bounds={city?.bbox ?? null} points={points} />
          </div>
        </div>
        <div style={{ display: 'grid', gridTemplateRows: '1.3fr 1fr', gap: vw(0.6), minHeight: 0 }}>
          <div style={panel} data-testid="screen-ranking">
            <h2 style={heading}>{t('screen.ranking')}</h2>
            {ranked.map((r) => (
              <div key={r.subject.code} style={{ display: 'grid', gridTemplateColumns: `${vw(1.8)} 1fr ${vw(3.5)} ${vw(2)}`, alignItems: 'center', fontSize: vw(0.95), padding: `${vw(0.15)} 0`, color: '#d5e4f7' }}>
                <span style={{ color: r.rank! <= 3 ? '#ffc53d' : '#7fc4ff', fontWeight: 700 }}>{r.rank}</span>
                <span style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>{r.subject.name}</span>
                <strong style={{ textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>{r.score?.toFixed(1)}</strong>
                <span style={{ textAlign: 'right', color: (r.rankDelta ?? 0) > 0 ? '#73d13d' : (r.rankDelta ?? 0) < 0 ? '#ff7875' : '#9fb7d9' }}>{r.rankDelta ? (r.rankDelta > 0 ? `▲${r.rankDelta}` : `▼${-r.rankDelta}`) : '＝'}</span>
              </div>
            ))}
          </div>
          <div style={panel} data-testid="screen-ticker">
            <h2 style={heading}>{t('screen.ticker')}</h2>
            {ticker.length === 0 && <div style={{ color: '#9fb7d9', fontSize: vw(0.95) }}>{t('screen.nothing')}</div>}
            {ticker.slice(0, 8).map((x) => (
              <div key={x.key} style={{ color: x.color, fontSize: vw(0.9), whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', padding: `${vw(0.1)} 0` }}>
                <span style={{ color: '#9fb7d9', marginRight: vw(0.5) }}>{dayjs(x.at).format('MM-DD HH:mm')}</span>
                {x.text}
              </div>
            ))}
          </div>
        </div>
      </section>
    </main>
  );
}
