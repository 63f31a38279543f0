import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Input, Select, Space, Table, Tag, Tooltip, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, type CursorPage } from '../api/client.ts';
import { useCaseFeed } from '../api/live.ts';
import { categoryName, departmentName, useDepartments, useTaxonomy } from '../api/reference.ts';
import type { CaseSummary } from '../api/types.ts';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { formatDateTime } from '../lib/format.ts';
import { Link, navigate } from '../router.tsx';
import { DeadlineClock, StateTag } from './case-bits.tsx';
import { ExportButton } from './export-button.tsx';
import { caseStates } from '../../../shared/cases/state-machine.ts';
import { districtOf, useAreaNames } from '../api/areas.ts';
import { useSession } from '../auth/session.tsx';
import { AreaTreePicker } from './area-tree-picker.tsx';
import { useRowCursor, type RowKeys } from './row-cursor.ts';

export interface CaseFilter {
  state?: string[];
  category?: string;
  channel?: string;
  grid?: string;
  urgent?: boolean;
  supervision?: 'none' | 'yellow' | 'red';
  /** 'urgent': urgent cases first (the dispatch queue) */
  sort?: 'newest' | 'urgent';
}

export type FilterKey = 'state' | 'category' | 'area' | 'urgent' | 'supervision' | 'channel';

interface Props {
  /** fixed part of the query (a tab's meaning); the user's filters narrow it further */
  base: CaseFilter;
  filters?: readonly FilterKey[];
  selectable?: boolean;
  onSelectionChange?: (rows: CaseSummary[]) => void;
  extraColumns?: TableColumnsType<CaseSummary>;
  actions?: (row: CaseSummary, reload: () => void) => ReactNode;
  /** bump to force a reload from outside (after a bulk action) */
  reloadKey?: number;
  onLoaded?: (rows: CaseSummary[]) => void;
  compact?: boolean;
  /** columns that say nothing in this view (no unit before dispatch) */
  hide?: readonly ('department' | 'created' | 'deadline')[];
  label: string;
  /** show 导出: the current filters as a CSV/XLSX file */
  exportable?: boolean;
  /** address and district (区) columns: where the case is, at a glance */
  place?: boolean;
  /** the keyboard path through the rows: ↓/↑ or j/k, Enter opens, letters act (useRowCursor); by default Enter
   * opens the case (the case list, the workbench) */
  keys?: RowKeys<CaseSummary>;
}

const noRows: CaseSummary[] = [];
const rowCode = (row: CaseSummary) => row.code;
/** Enter on a row opens its case: every case table's default, the dispatch queue's too */
export const openCase: RowKeys<CaseSummary> = { open: (row) => navigate(`/cases/${row.code}`) };

/** Filterable, paged, live-updating list of cases in the viewer's scope (GET /api/v1/cases). */
export function CaseTable({ base, filters = [], selectable, onSelectionChange, extraColumns = [], actions, reloadKey = 0, onLoaded, compact, hide = [], label, exportable, place, keys }: Props) {
  const { t, te, locale } = useLocale();
  const { can } = useSession();
  const taxonomy = useTaxonomy();
  const departments = useDepartments();
  const [user, setUser] = useState<CaseFilter>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [data, setData] = useState<CursorPage<CaseSummary> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useCaseFeed(reload);
  const cursor = useRowCursor(data?.items ?? noRows, rowCode, keys ?? openCase);

  const merged: CaseFilter = { ...base, ...user, state: user.state?.length ? user.state : base.state };
  const key = JSON.stringify([merged, page, pageSize, tick, reloadKey]);
  // one query for the page and the export, so the file holds exactly what the filters show
  const query = {
    state: merged.state?.join(','),
    category: merged.category,
    channel: merged.channel,
    grid: merged.grid,
    urgent: merged.urgent === undefined ? undefined : String(merged.urgent),
    supervision: merged.supervision,
    sort: merged.sort,
  };

  useEffect(() => {
    let live = true;
    setLoading(true);
    api
      .get<CursorPage<CaseSummary>>('/api/v1/cases', { ...query, page, pageSize })
      .then((res) => {
        if (!live) return;
        setData(res);
        setError(null);
        onLoaded?.(res.items);
        setSelected((s) => s.filter((code) => res.items.some((i) => i.code === code)));
      })
      .catch((err) => live && setError(err))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  // Grid and district names for the rows on the page (only for roles that may read the org tree).
  const areas = useAreaNames(place ? (data?.items ?? []).map((r) => r.location.gridCode) : [], place && can('org.read'));
  const set = (patch: Partial<CaseFilter>) => {
    setUser((u) => ({ ...u, ...patch }));
    setPage(1);
  };

  const columns: TableColumnsType<CaseSummary> = [
    { title: t('field.code'), dataIndex: 'code', width: 140, fixed: 'left', render: (code: string) => <Link to={`/cases/${code}`} aria-label={t('case.open_detail', { code })}>{code}</Link> },
    {
      title: t('field.text'),
      dataIndex: 'text',
      width: 220,
      ellipsis: { showTitle: false },
      render: (text: string, row) => (
        <Tooltip title={text} placement="topLeft">
          {row.urgent && <Tag color="red">{t('field.urgent')}</Tag>}
          {text}
        </Tooltip>
      ),
    },
    ...(place
      ? [
          { title: t('field.address'), key: 'address', width: 180, ellipsis: true, render: (_: unknown, row: CaseSummary) => row.location.address ?? '—' },
          {
            title: t('field.district'),
            key: 'district',
            width: 110,
            ellipsis: true,
            render: (_: unknown, row: CaseSummary) => {
              const g = row.location.gridCode ? areas.get(row.location.gridCode) : undefined;
              const d = districtOf(g);
              return (d && areas.get(d)?.name) ?? '—';
            },
          },
        ]
      : []),
    { title: t('field.category'), key: 'category', width: 150, ellipsis: true, render: (_, row) => categoryName(taxonomy.categories, row.category?.code, locale) },
    { title: t('field.state'), dataIndex: 'state', width: 100, render: (s: string) => <StateTag state={s} /> },
    ...(compact || hide.includes('department') ? [] : [{ title: t('field.department'), key: 'dept', width: 140, ellipsis: true, render: (_: unknown, row: CaseSummary) => departmentName(departments, row.department.main, locale) }]),
    ...(hide.includes('deadline') ? [] : [{ title: t('field.deadline'), key: 'deadline', width: 150, render: (_: unknown, row: CaseSummary) => <DeadlineClock compact deadline={{ dueAt: row.deadlines.dueAt, yellowAt: row.deadlines.yellowAt, pausedSince: row.deadlines.pausedSince, supervision: row.supervision }} /> }]),
    ...(compact || hide.includes('created') ? [] : [{ title: t('field.created_at'), dataIndex: 'createdAt', width: 135, render: (v: string) => formatDateTime(v, locale) }]),
    ...extraColumns,
    ...(actions ? [{ title: t('common.actions'), key: 'actions', width: 190, fixed: 'right' as const, render: (_: unknown, row: CaseSummary) => actions(row, reload) }] : []),
  ];

  return (
    <section aria-label={label} ref={cursor.table}>
      <Space wrap style={{ marginBottom: 12 }}>
        {filters.includes('state') && (
          <Select mode="multiple" allowClear placeholder={t('dispatch.filter.state')} aria-label={t('dispatch.filter.state')} style={{ minWidth: 180 }} value={user.state ?? []} onChange={(v) => set({ state: v })} options={caseStates.map((s) => ({ value: s, label: t(`state.${s}` as MessageKey) }))} />
        )}
        {filters.includes('category') && (
          <Select showSearch allowClear optionFilterProp="label" placeholder={t('field.category')} aria-label={t('field.category')} style={{ width: 220 }} value={user.category} onChange={(v) => set({ category: v })} options={taxonomy.categories.map((c) => ({ value: c.code, label: categoryName(taxonomy.categories, c.code, locale) }))} />
        )}
        {filters.includes('area') && (
          can('org.read') ? (
            <AreaTreePicker includeDisabled aria-label={t('dispatch.filter.area')} placeholder={t('dispatch.filter.area')} style={{ width: 240 }} value={user.grid ?? null} onChange={(grid) => set({ grid: grid ?? undefined })} />
          ) : (
            <Input.Search allowClear placeholder={t('dispatch.filter.area_code')} aria-label={t('dispatch.filter.area_code')} style={{ width: 220 }} inputMode="numeric" onSearch={(v) => set({ grid: /^[0-9]{6,15}$/.test(v.trim()) ? v.trim() : undefined })} />
          )
        )}
        {filters.includes('urgent') && (
          <Select allowClear placeholder={t('dispatch.filter.urgent')} aria-label={t('dispatch.filter.urgent')} style={{ width: 130 }} value={user.urgent === undefined ? undefined : String(user.urgent)} onChange={(v) => set({ urgent: v === undefined ? undefined : v === 'true' })} options={[{ value: 'true', label: t('dispatch.urgent_only') }, { value: 'false', label: t('dispatch.not_urgent') }]} />
        )}
        {filters.includes('supervision') && (
          <Select allowClear placeholder={t('dispatch.filter.deadline')} aria-label={t('dispatch.filter.deadline')} style={{ width: 130 }} value={user.supervision} onChange={(v) => set({ supervision: v })} options={(['none', 'yellow', 'red'] as const).map((c) => ({ value: c, label: t(`card.${c}`) }))} />
        )}
        {filters.includes('channel') && (
          <Select allowClear placeholder={t('field.channel')} aria-label={t('field.channel')} style={{ width: 140 }} value={user.channel} onChange={(v) => set({ channel: v })} options={(['hotline', 'web', 'app', 'gridworker', 'iot', 'api', 'open311'] as const).map((c) => ({ value: c, label: t(`channel.${c}`) }))} />
        )}
        <Button icon={<ReloadOutlined aria-hidden />} onClick={reload}>
          {t('common.refresh')}
        </Button>
        {exportable && <ExportButton path="/api/v1/cases" query={query} name="cases" />}
      </Space>
      {error !== null && <Alert type="error" showIcon role="alert" message={te(error)} style={{ marginBottom: 12 }} />}
      <Table<CaseSummary>
        rowKey="code"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        // Every column has a width: their sum scrolls sideways on small screens, and long texts truncate.
        scroll={{ x: columns.reduce((sum, c) => sum + (Number(c.width) || 120), 0) + (selectable ? 40 : 0) }}
        locale={{ emptyText: t('case.empty') }}
        onRow={cursor.onRow}
        rowClassName={cursor.rowClassName}
        rowSelection={
          selectable
            ? {
                selectedRowKeys: selected,
                onChange: (keys, rows) => {
                  setSelected(keys as string[]);
                  onSelectionChange?.(rows);
                },
              }
            : undefined
        }
        pagination={{
          current: page,
          pageSize,
          total: data?.total ?? 0,
          showSizeChanger: true,
          // beyond COUNT_LIMIT a filter the counters cannot answer is estimated by the planner: say so
          showTotal: (total) => (data?.totalEstimated ? t('common.total_estimated', { total }) : t('common.total', { total })),
          onChange: (p, s) => {
            setPage(p);
            setPageSize(s);
          },
        }}
      />
    </section>
  );
}
