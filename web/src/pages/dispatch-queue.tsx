import { App, Badge, Button, Space, Tabs, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, type Page } from '../api/client.ts';
import { useCaseFeed } from '../api/live.ts';
import { categoryName, useTaxonomy } from '../api/reference.ts';
import type { CaseDetail, CaseSummary, TriageResult } from '../api/types.ts';
import { CaseRowActions } from '../components/case-row-actions.tsx';
import { CaseTable, openCase, type CaseFilter, type FilterKey } from '../components/case-table.tsx';
import { useLocale } from '../i18n/locale.tsx';
import { useSession } from '../auth/session.tsx';
import { confidentCases, type TriageGuess } from '../lib/bulk.ts';
import { CONFIDENT, formatPercent } from '../lib/format.ts';
import { ObjectionNote } from '../components/objection-note.tsx';
import { CaseActionModal } from '../components/case-action-modal.tsx';
import { FileDispatchModal } from '../components/file-dispatch-modal.tsx';
import type { RowCursorHandle, RowKeys } from '../components/row-cursor.ts';

const caseQuery = (f: CaseFilter) => ({ state: f.state?.join(','), supervision: f.supervision });

/** How many cases wait under each tab (one cheap count per tab, from the case counters), live. */
function useTabCounts(reloadKey: number): Map<string, number> {
  const [counts, setCounts] = useState<Map<string, number>>(new Map());
  const [tick, setTick] = useState(0);
  useCaseFeed(useCallback(() => setTick((n) => n + 1), []));
  useEffect(() => {
    let live = true;
    void Promise.all(
      tabs.filter((x) => x.key !== 'all').map((x) =>
        api
          .get<Page<CaseSummary>>('/api/v1/cases', { ...caseQuery(x.base), page: 1, pageSize: 1 })
          .then((r) => [x.key, r.total] as const)
          .catch(() => null),
      ),
    ).then((pairs) => live && setCounts(new Map(pairs.filter((p) => p !== null))));
    return () => {
      live = false;
    };
  }, [reloadKey, tick]);
  return counts;
}

interface Tab {
  key: string;
  label: 'dispatch.tab.todo' | 'dispatch.tab.returned' | 'dispatch.tab.extensions' | 'dispatch.tab.to_close' | 'dispatch.tab.yellow' | 'dispatch.tab.red' | 'dispatch.tab.all';
  base: CaseFilter;
  filters: readonly FilterKey[];
  primary: readonly string[];
}

const allFilters: readonly FilterKey[] = ['category', 'area', 'urgent', 'supervision'];
const tabs: Tab[] = [
  { key: 'todo', label: 'dispatch.tab.todo', base: { state: ['received', 'filed'] }, filters: ['state', ...allFilters], primary: ['file', 'dispatch'] },
  { key: 'returned', label: 'dispatch.tab.returned', base: { state: ['returned'] }, filters: allFilters, primary: ['redispatch'] },
  { key: 'extensions', label: 'dispatch.tab.extensions', base: { state: ['extension_requested'] }, filters: allFilters, primary: ['approve_extension', 'deny_extension'] },
  { key: 'to_close', label: 'dispatch.tab.to_close', base: { state: ['checked'] }, filters: allFilters, primary: ['close'] },
  { key: 'yellow', label: 'dispatch.tab.yellow', base: { supervision: 'yellow' }, filters: ['state', 'category', 'area', 'urgent'], primary: ['redispatch'] },
  { key: 'red', label: 'dispatch.tab.red', base: { supervision: 'red' }, filters: ['state', 'category', 'area', 'urgent'], primary: ['redispatch'] },
  { key: 'all', label: 'dispatch.tab.all', base: {}, filters: ['state', ...allFilters, 'channel'], primary: [] },
];

/** 派遣: the command centre's queue — triage check, filing, dispatch in bulk, objections, extensions, cards. */
export function DispatchQueuePage() {
  const { t, te, locale } = useLocale();
  const { message } = App.useApp();
  const { can } = useSession();
  const taxonomy = useTaxonomy();
  const [tab, setTab] = useState('todo');
  const [guesses, setGuesses] = useState<Map<string, TriageGuess>>(new Map());
  const [selected, setSelected] = useState<CaseSummary[]>([]);
  const [reloadKey, setReloadKey] = useState(0);
  const [bulkBusy, setBulkBusy] = useState(false);
  const [duplicates, setDuplicates] = useState<Map<string, TriageResult['duplicates']>>(new Map());
  const [merging, setMerging] = useState<{ row: CaseSummary; into: string } | null>(null);
  const [filing, setFiling] = useState<CaseSummary | null>(null);
  const counts = useTabCounts(reloadKey);

  // Triage each waiting case on the page once, to show its confidence and to know what bulk dispatch may take.
  const asked = useRef(new Set<string>());
  const onLoaded = useCallback((rows: CaseSummary[]) => {
    const todo = rows.filter((r) => (r.state === 'received' || r.state === 'filed') && !asked.current.has(r.code));
    for (const r of todo) {
      asked.current.add(r.code);
      api
        .post<TriageResult>('/api/v1/triage', { text: r.text, ...(r.location.lon !== null && r.location.lat !== null ? { lon: r.location.lon, lat: r.location.lat } : {}) })
        .then((res) => {
          setGuesses((g) => new Map(g).set(r.code, { code: res.category.code, confidence: res.category.confidence, threshold: res.threshold }));
          const others = res.duplicates.filter((d) => d.caseCode !== r.code);
          if (others.length) setDuplicates((m) => new Map(m).set(r.code, others));
        })
        .catch(() => asked.current.delete(r.code));
    }
  }, []);

  const confident = confidentCases(selected, guesses);
  const fileable = (row: CaseSummary) => (row.state === 'received' || row.state === 'filed') && can('case.dispatch');

  // The dispatcher's keyboard path: ↓/↑ or j/k through the queue, Enter opens the case, D 立案并派遣 with triage's
  // category and the catalogue's unit already on the form, so agreeing is D then Ctrl+Enter.
  const cursor = useRef<RowCursorHandle | null>(null);
  const rowKeys = useMemo<RowKeys<CaseSummary>>(
    () => ({ ...openCase, keys: { d: (row) => fileable(row) && setFiling(row) }, handle: cursor }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [can],
  );

  const bulkDispatch = async () => {
    setBulkBusy(true);
    let ok = 0;
    let failed = 0;
    let firstError: unknown = null;
    for (const row of confident) {
      try {
        let version = row.version;
        if (row.state === 'received') {
          const filed = await api.post<CaseDetail>(`/api/v1/cases/${row.code}/actions`, { action: 'file', version, category: row.category?.code ?? guesses.get(row.code)!.code });
          version = filed.version;
        }
        await api.post<CaseDetail>(`/api/v1/cases/${row.code}/actions`, { action: 'dispatch', version });
        ok++;
      } catch (err) {
        failed++;
        firstError ??= err;
      }
    }
    setBulkBusy(false);
    setSelected([]);
    setReloadKey((k) => k + 1);
    if (failed) void message.warning(`${t('dispatch.bulk_done', { ok, failed })} · ${te(firstError)}`);
    else void message.success(t('dispatch.bulk_done', { ok, failed }));
  };

  const current = tabs.find((x) => x.key === tab)!;
  const confidenceColumn = {
    title: t('field.confidence'),
    key: 'confidence',
    width: 120,
    render: (_: unknown, row: CaseSummary) => {
      const g = guesses.get(row.code);
      if (!g) return '—';
      const agrees = !row.category || row.category.code === g.code;
      return (
        <Tooltip title={categoryName(taxonomy.categories, g.code, locale)}>
          <Badge status={g.confidence >= (g.threshold ?? CONFIDENT) && agrees ? 'success' : 'warning'} text={`${formatPercent(g.confidence)} · ${g.code}`} />
        </Tooltip>
      );
    },
  };

  const duplicatesColumn = {
    title: t('intake.duplicates'),
    key: 'duplicates',
    width: 150,
    render: (_: unknown, row: CaseSummary) =>
      (duplicates.get(row.code) ?? []).slice(0, 2).map((d) => (
        <Button key={d.caseCode} size="small" type="link" style={{ padding: 0, display: 'block' }} onClick={() => setMerging({ row, into: d.caseCode })}>
          {t('dispatch.merge_into', { code: d.caseCode.slice(-5), score: formatPercent(d.score) })}
        </Button>
      )),
  };

  return (
    <div>
      <CaseActionModal
        target={merging?.row ?? null}
        action={merging ? 'merge' : null}
        initial={merging ? { into: merging.into } : undefined}
        onClose={() => setMerging(null)}
        onDone={() => {
          setMerging(null);
          setReloadKey((k) => k + 1);
          void message.success(t('action.done', { action: t('action.merge') }));
        }}
      />
      <FileDispatchModal
        row={filing}
        guess={filing ? guesses.get(filing.code)?.code : undefined}
        onClose={() => setFiling(null)}
        afterClose={() => cursor.current?.refocus()}
        onDone={(c) => {
          setFiling(null);
          setReloadKey((k) => k + 1);
          void message.success(`${t('action.done', { action: t('action.file_dispatch') })} · ${c.code}`);
        }}
      />
      <Typography.Title level={2} className="page-title" style={{ fontSize: 20 }}>
        {t('dispatch.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }} data-testid="dispatch-keys">
        {t('dispatch.keys')}
      </Typography.Paragraph>
      <Tabs
        activeKey={tab}
        onChange={(k) => (setTab(k), setSelected([]))}
        items={tabs.map((x) => ({
          key: x.key,
          label: (
            <span data-testid={`tab-${x.key}`}>
              {t(x.label)}
              {counts.has(x.key) && <Badge count={counts.get(x.key)} showZero overflowCount={9999} color={x.key === 'red' ? '#a8071a' : x.key === 'yellow' ? '#ad6800' : '#0958d9'} style={{ marginInlineStart: 6 }} data-testid={`tab-count-${x.key}`} />}
            </span>
          ),
        }))}
      />
      {/* Outside the tab bar: a tablist may hold only tabs (screen readers announce it as one). */}
      {tab === 'todo' && (
        <Space style={{ marginBottom: 12, width: '100%', justifyContent: 'flex-end' }} wrap>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('dispatch.bulk_hint', { p: formatPercent(CONFIDENT) })}
          </Typography.Text>
          <Button type="primary" disabled={confident.length === 0} loading={bulkBusy} onClick={() => void bulkDispatch()} data-testid="bulk-dispatch">
            {t('dispatch.bulk', { n: confident.length })}
          </Button>
        </Space>
      )}
      <CaseTable
        key={tab}
        label={t(current.label)}
        base={{ ...current.base, sort: 'urgent' }}
        place
        filters={current.filters}
        selectable={tab === 'todo'}
        hide={tab === 'todo' ? ['department', 'deadline'] : []}
        onSelectionChange={setSelected}
        onLoaded={tab === 'todo' ? onLoaded : undefined}
        reloadKey={reloadKey}
        keys={rowKeys}
        extraColumns={
          tab === 'todo'
            ? [confidenceColumn, duplicatesColumn]
            : tab === 'returned'
              ? [{ title: t('field.objections'), key: 'objection', width: 260, render: (_: unknown, row: CaseSummary) => <ObjectionNote code={row.code} version={row.version} /> }]
              : tab === 'extensions'
                ? [{ title: t('field.hours'), key: 'hours', width: 110, render: (_: unknown, row: CaseSummary) => row.deadlines.pendingExtensionHours ?? '—' }]
                : []
        }
        actions={(row, reload) => (
          <Space size={4} wrap>
            {fileable(row) && (
              <Tooltip title={t('dispatch.row_keys')}>
                <Button size="small" type="primary" onClick={() => setFiling(row)} aria-keyshortcuts="D" data-testid="row-file-dispatch">
                  {t('action.file_dispatch')}
                </Button>
              </Tooltip>
            )}
            <CaseRowActions row={row} primary={tab === 'todo' ? [] : current.primary} onDone={reload} />
          </Space>
        )}
      />
    </div>
  );
}
