import { TreeSelect } from 'antd';
import { useEffect, useState } from 'react';
import { loadChildren, type AreaItem } from '../api/areas.ts';

interface Node {
  id: string;
  pId: string | null;
  value: string;
  title: string;
  isLeaf: boolean;
}

const toNode = (a: AreaItem): Node => ({ id: a.code, pId: a.parentCode, value: a.code, title: a.name, isLeaf: a.level === 'grid' });

/**
 * 区域筛选: pick a district, street, community or grid on the org tree (loaded level by level as it opens)
 * instead of typing an administrative code. The value is the area code the case list filters on.
 */
export function AreaFilterTree({ value, onChange, label, width = 240 }: { value?: string; onChange: (code: string | undefined) => void; label: string; width?: number }) {
  const [nodes, setNodes] = useState<Node[]>([]);
  useEffect(() => {
    let live = true;
    loadChildren(null)
      .then((items) => live && setNodes(items.map(toNode)))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  const loadData = async (node: { value?: string | number }) => {
    const code = String(node.value);
    if (nodes.some((n) => n.pId === code)) return;
    const items = await loadChildren(code);
    setNodes((ns) => [...ns, ...items.filter((a) => !ns.some((n) => n.id === a.code)).map(toNode)]);
  };
  return (
    <TreeSelect
      treeDataSimpleMode
      treeData={nodes}
      loadData={loadData}
      allowClear
      showSearch
      treeNodeFilterProp="title"
      placeholder={label}
      aria-label={label}
      data-testid="area-filter"
      style={{ width }}
      value={value}
      onChange={(v: string | undefined) => onChange(v ?? undefined)}
      popupMatchSelectWidth={false}
    />
  );
}
