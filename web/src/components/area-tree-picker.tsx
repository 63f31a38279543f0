import { TreeSelect } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { Area, AreaLevel } from '../../../shared/org.ts';
import { api, type Page } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';

export type { Area, AreaLevel };

const levels: AreaLevel[] = ['city', 'district', 'street', 'community', 'grid'];
/** levels fetched up front (a city has tens, at most a few hundred of them); below these a node loads on opening */
const eagerLevels: AreaLevel[] = ['city', 'district', 'street'];

interface Node {
  id: string;
  pId: string | null;
  value: string;
  title: string;
  isLeaf: boolean;
}

/** Every page of an area list (200 a page, the API's maximum). */
export async function allAreas(query: Record<string, string>): Promise<Area[]> {
  const out: Area[] = [];
  for (let page = 1; ; page++) {
    const r = await api.get<Page<Area>>('/api/v1/areas', { ...query, page, pageSize: 200 });
    out.push(...r.items);
    if (out.length >= r.total || r.items.length === 0) return out;
  }
}

const toNode = (a: Area, deepest: AreaLevel): Node => ({ id: a.code, pId: a.parentCode, value: a.code, title: `${a.name}（${a.code}）`, isLeaf: a.level === deepest || a.level === 'grid' });

interface Props {
  value?: string | null;
  onChange?: (code: string | null, area: Area | null) => void;
  /** the smallest area offered (a data scope is usually a district or street; a catalogue row any level) */
  deepest?: AreaLevel;
  placeholder?: string;
  allowClear?: boolean;
  disabled?: boolean;
  id?: string;
  'aria-label'?: string;
  style?: React.CSSProperties;
  /** offer disabled (停用) areas too (filters over old cases); by default only areas in use are offered */
  includeDisabled?: boolean;
}

/**
 * 区划树选择: pick an area on the admin hierarchy instead of typing its code. Districts and streets come at
 * once; communities and grids load when their parent opens. Search matches names and codes of what is loaded.
 * Only the caller's data scope is offered (the API lists areas in scope).
 */
export function AreaTreePicker({ value, onChange, deepest = 'grid', placeholder, allowClear = true, disabled, id, style, includeDisabled = false, ...rest }: Props) {
  const { t, te } = useLocale();
  const [nodes, setNodes] = useState<Node[]>([]);
  const [byCode, setByCode] = useState<Map<string, Area>>(new Map());
  const [error, setError] = useState<string | null>(null);
  // an area under a disabled one counts as disabled (the API filters on the whole path)
  const activeOnly: Record<string, string> = includeDisabled ? {} : { active: 'true' };

  const add = useCallback(
    (areas: Area[]) => {
      setByCode((m) => new Map([...m, ...areas.map((a) => [a.code, a] as const)]));
      setNodes((ns) => {
        const have = new Set(ns.map((n) => n.id));
        return [...ns, ...areas.filter((a) => !have.has(a.code)).map((a) => toNode(a, deepest))];
      });
    },
    [deepest],
  );

  useEffect(() => {
    let live = true;
    const wanted = eagerLevels.filter((l) => levels.indexOf(l) <= levels.indexOf(deepest));
    Promise.all(wanted.map((level) => allAreas({ level, ...activeOnly })))
      // a scope below the eager levels (a community or grid worker's) holds none of them: its own few areas, then
      .then(async (lists) => (lists.some((l) => l.length) ? lists : [await allAreas({ ...activeOnly })]))
      .then((lists) => {
        if (!live) return;
        const areas = lists.flat();
        // the scope root has no parent among what we see: show it as a root
        const seen = new Set(areas.map((a) => a.code));
        add(areas.map((a) => (a.parentCode && seen.has(a.parentCode) ? a : { ...a, parentCode: null })));
      })
      .catch((err: unknown) => live && setError(te(err)));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- activeOnly follows includeDisabled
  }, [add, deepest, te, includeDisabled]);

  // a value below the eager levels (a grid scope) still shows its name
  useEffect(() => {
    if (!value || byCode.has(value)) return;
    api
      .get<Area>(`/api/v1/areas/${value}`)
      .then((a) => add([a]))
      .catch(() => undefined);
  }, [value, byCode, add]);

  const loadData = async (node: { value?: unknown }) => {
    const code = String(node.value);
    const parent = byCode.get(code);
    if (!parent || eagerLevels.includes(childOf(parent.level) ?? 'grid')) return;
    add(await allAreas({ parent: code, ...activeOnly }));
  };

  return (
    <TreeSelect
      id={id}
      aria-label={rest['aria-label']}
      style={{ minWidth: 260, ...style }}
      treeDataSimpleMode
      treeData={nodes}
      loadData={loadData}
      value={value ?? undefined}
      onChange={(code: string | undefined) => onChange?.(code ?? null, code ? (byCode.get(code) ?? null) : null)}
      placeholder={error ?? placeholder ?? t('area_picker.placeholder')}
      allowClear={allowClear}
      disabled={disabled}
      showSearch
      treeNodeFilterProp="title"
      treeDefaultExpandedKeys={nodes.filter((n) => n.pId === null).map((n) => n.id)}
      status={error ? 'error' : undefined}
      listHeight={360}
      popupMatchSelectWidth={false}
    />
  );
}

function childOf(level: AreaLevel): AreaLevel | null {
  return levels[levels.indexOf(level) + 1] ?? null;
}
