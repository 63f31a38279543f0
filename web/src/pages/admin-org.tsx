import { Alert, App, Button, Card, Checkbox, Col, Form, Input, Modal, Row, Select, Space, Switch, Table, Tag, Tree, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Area, AreaLevel } from '../../../shared/org.ts';
import { api } from '../api/client.ts';
import { forgetReference } from '../api/reference.ts';
import type { Department } from '../api/types.ts';
import { AreaTreePicker, allAreas } from '../components/area-tree-picker.tsx';
import { CatalogueEntriesNote, catalogueEntriesOf, type CatalogueEntryNaming } from '../components/catalogue-entries-note.tsx';
import { ExportButton } from '../components/export-button.tsx';
import { OrgImport } from '../components/org-import.tsx';
import { useLocale } from '../i18n/locale.tsx';

const kinds = ['functional', 'utility', 'territorial'] as const;
const childLevel: Partial<Record<AreaLevel, AreaLevel>> = { city: 'district', district: 'street', street: 'community', community: 'grid' };

interface TreeNode {
  key: string;
  title: string;
  isLeaf: boolean;
  children?: TreeNode[];
}

type DeptForm = { code: string; name: string; nameEn?: string; kind: Department['kind']; areaCode?: string | null; active: boolean };

/** 组织架构: the admin hierarchy as a tree, the departments (处置单位) of each area, and the org-tree file. */
export function AdminOrgPage() {
  const { t, te } = useLocale();
  const { message, modal } = App.useApp();
  const [areas, setAreas] = useState<Area[]>([]);
  const [blocked, setBlocked] = useState<CatalogueEntryNaming[] | null>(null);
  const [selected, setSelected] = useState<Area | null>(null);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<string | undefined>();
  const [onlyHere, setOnlyHere] = useState(false);
  const [areaModal, setAreaModal] = useState<'child' | 'rename' | null>(null);
  const [deptModal, setDeptModal] = useState<{ editing: Department | null } | null>(null);

  const loadAreas = useCallback(() => {
    Promise.all((['city', 'district', 'street'] as const).map((level) => allAreas({ level })))
      .then((lists) => setAreas((prev) => mergeAreas(prev, lists.flat())))
      .catch((err: unknown) => void message.error(te(err)));
  }, [message, te]);
  const loadDepartments = useCallback(() => {
    forgetReference('departments');
    api
      .get<Department[]>('/api/v1/departments', { q: q || undefined, kind })
      .then(setDepartments)
      .catch((err: unknown) => void message.error(te(err)));
  }, [q, kind, message, te]);
  useEffect(loadAreas, [loadAreas]);
  useEffect(loadDepartments, [loadDepartments]);

  const tree = useMemo(() => buildTree(areas, t('org.area.inactive_tag')), [areas, t]);
  const areaName = (code: string | null) => (code ? (areas.find((a) => a.code === code)?.name ?? code) : t('org.city_wide'));
  const shown = onlyHere && selected ? departments.filter((d) => d.areaCode === selected.code) : departments;

  const toggle = (d: Department) =>
    api
      .patch(`/api/v1/departments/${d.code}`, { active: !d.active })
      .then(() => {
        setBlocked(null);
        void message.success(t(d.active ? 'org.department.disabled' : 'org.department.enabled'));
        loadDepartments();
      })
      .catch((err: unknown) => {
        // named by the catalogue: list what to re-point, next to the table
        const entries = catalogueEntriesOf(err);
        if (entries) setBlocked(entries);
        else void message.error(te(err));
      });

  // 停用区划 asks first (it closes everything under the area to new work); enabling does not
  const toggleArea = (a: Area) => {
    const run = () =>
      api
        .patch<Area>(`/api/v1/areas/${a.code}`, { active: !a.active })
        .then((saved) => {
          void message.success(t(saved.active ? 'org.area.enabled' : 'org.area.disabled'));
          setAreas((prev) => mergeAreas(prev, [saved]));
          setSelected(saved);
        })
        .catch((err: unknown) => void message.error(te(err)));
    if (!a.active) return void run();
    modal.confirm({ title: t('org.area.disable'), content: t('org.area.disable_confirm', { name: a.name }), okText: t('org.disable'), okButtonProps: { danger: true }, cancelText: t('common.cancel'), onOk: run });
  };

  const columns: TableColumnsType<Department> = [
    { title: t('org.code'), dataIndex: 'code', width: 120 },
    { title: t('org.name'), dataIndex: 'name' },
    { title: t('org.department.kind'), dataIndex: 'kind', width: 110, render: (k: Department['kind']) => t(`org.kind.${k}`) },
    { title: t('org.department.area'), dataIndex: 'areaCode', render: (c: string | null) => areaName(c) },
    { title: t('org.status'), dataIndex: 'active', width: 90, render: (a: boolean) => (a ? <Tag color="green">{t('org.active')}</Tag> : <Tag>{t('org.inactive')}</Tag>) },
    {
      title: t('common.actions'),
      width: 150,
      render: (_: unknown, d) => (
        <Space>
          <Button autoInsertSpace={false} size="small" aria-label={`${t('org.edit')} ${d.code}`} onClick={() => setDeptModal({ editing: d })}>
            {t('org.edit')}
          </Button>
          <Button autoInsertSpace={false} size="small" danger={d.active} aria-label={`${t(d.active ? 'org.disable' : 'org.enable')} ${d.code}`} onClick={() => void toggle(d)}>
            {t(d.active ? 'org.disable' : 'org.enable')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('org.title')}</Typography.Title>
      <Card
        size="small"
        title={t('org.file')}
        extra={
          <Space>
            <ExportButton path="/api/v1/org/tree" query={{}} name="org-tree" />
          </Space>
        }
      >
        <OrgImport
          onImported={() => {
            loadAreas();
            loadDepartments();
          }}
        />
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={9}>
          <Card
            title={t('org.areas')}
            extra={
              <Space>
                <Button size="small" disabled={!selected || !childLevel[selected.level]} onClick={() => setAreaModal('child')}>
                  {t('org.area.add_child')}
                </Button>
                <Button size="small" disabled={!selected} onClick={() => setAreaModal('rename')}>
                  {t('org.area.rename')}
                </Button>
                <Button size="small" danger={selected?.active !== false} disabled={!selected || selected.level === 'city'} onClick={() => selected && toggleArea(selected)}>
                  {t(selected?.active === false ? 'org.area.enable' : 'org.area.disable')}
                </Button>
              </Space>
            }
          >
            {/* mounted once the areas are in, so the city opens (defaultExpandedKeys applies at mount) */}
            {areas.length > 0 && <Tree
              aria-label={t('org.areas')}
              treeData={tree}
              height={560}
              defaultExpandedKeys={areas.filter((a) => a.level === 'city').map((a) => a.code)}
              selectedKeys={selected ? [selected.code] : []}
              onSelect={(keys) => {
                const code = String(keys[0] ?? '');
                setSelected(areas.find((a) => a.code === code) ?? null);
              }}
              loadData={async (node) => {
                const a = areas.find((x) => x.code === node.key);
                if (!a || a.level === 'city' || a.level === 'district' || a.level === 'grid') return;
                const children = await allAreas({ parent: a.code });
                setAreas((prev) => mergeAreas(prev, children));
              }}
            />}
          </Card>
        </Col>
        <Col xs={24} lg={15}>
          <Card
            title={t('org.departments')}
            extra={
              <Button type="primary" onClick={() => setDeptModal({ editing: null })}>
                {t('org.department.add')}
              </Button>
            }
          >
            <Space wrap style={{ marginBottom: 12 }}>
              <Input.Search aria-label={t('org.department.search')} placeholder={t('org.department.search')} allowClear onSearch={setQ} style={{ width: 220 }} />
              <Select aria-label={t('org.department.kind')} placeholder={t('org.department.kind')} allowClear style={{ width: 140 }} value={kind} onChange={setKind} options={kinds.map((k) => ({ value: k, label: t(`org.kind.${k}`) }))} />
              <Checkbox checked={onlyHere} disabled={!selected} onChange={(e) => setOnlyHere(e.target.checked)}>
                {selected ? t('org.only_area', { name: selected.name }) : t('org.pick_area_hint')}
              </Checkbox>
            </Space>
            {blocked && <div style={{ marginBottom: 12 }}><CatalogueEntriesNote entries={blocked} /></div>}
            <Table rowKey="code" size="small" columns={columns} dataSource={shown} pagination={{ pageSize: 15, showTotal: (n) => t('common.total', { total: n }) }} />
          </Card>
        </Col>
      </Row>
      {areaModal && selected && (
        <AreaModal
          mode={areaModal}
          area={selected}
          onClose={() => setAreaModal(null)}
          onSaved={(a) => {
            setAreaModal(null);
            setAreas((prev) => mergeAreas(prev, [a]));
            if (areaModal === 'rename') setSelected(a);
          }}
        />
      )}
      {deptModal && (
        <DepartmentModal
          editing={deptModal.editing}
          defaultArea={selected?.code ?? null}
          onClose={() => setDeptModal(null)}
          onSaved={() => {
            setDeptModal(null);
            loadDepartments();
          }}
        />
      )}
    </Space>
  );
}

function mergeAreas(prev: Area[], more: Area[]): Area[] {
  const m = new Map(prev.map((a) => [a.code, a]));
  for (const a of more) m.set(a.code, a);
  return [...m.values()].sort((a, b) => a.path.localeCompare(b.path));
}

function buildTree(areas: Area[], inactiveTag: string): TreeNode[] {
  const nodes = new Map<string, TreeNode>(areas.map((a) => [a.code, { key: a.code, title: `${a.name}（${a.code}）${a.active ? '' : inactiveTag}`, isLeaf: a.level === 'grid' }]));
  const roots: TreeNode[] = [];
  for (const a of areas) {
    const n = nodes.get(a.code)!;
    const parent = a.parentCode ? nodes.get(a.parentCode) : undefined;
    if (parent) (parent.children ??= []).push(n);
    else roots.push(n);
  }
  return roots;
}

function AreaModal({ mode, area, onClose, onSaved }: { mode: 'child' | 'rename'; area: Area; onClose(): void; onSaved(a: Area): void }) {
  const { t, te } = useLocale();
  const [form] = Form.useForm<{ code: string; name: string }>();
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    // an invalid form shows its messages; the rejection is not an error
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setError(null);
    try {
      const saved = mode === 'child' ? await api.post<Area>('/api/v1/areas', { code: v.code, name: v.name, parentCode: area.code }) : await api.patch<Area>(`/api/v1/areas/${area.code}`, { name: v.name });
      onSaved(saved);
    } catch (err) {
      setError(te(err));
    }
  };
  return (
    <Modal open title={mode === 'child' ? t('org.area.add_child_of', { name: area.name }) : t('org.area.rename')} onOk={() => void submit()} onCancel={onClose} okText={t('common.save')} cancelText={t('common.cancel')}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={mode === 'rename' ? { name: area.name } : {}}>
        {mode === 'child' && (
          <Form.Item name="code" label={t('org.area.code')} extra={t('org.area.code_hint')} rules={[{ required: true, pattern: /^[0-9]{6}([0-9]{3}){0,3}$/, message: t('org.area.code_rule') }]}>
            <Input />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('org.name')} rules={[{ required: true, whitespace: true, max: 100, message: t('org.name_rule') }]}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function DepartmentModal({ editing, defaultArea, onClose, onSaved }: { editing: Department | null; defaultArea: string | null; onClose(): void; onSaved(): void }) {
  const { t, te } = useLocale();
  const [form] = Form.useForm<DeptForm>();
  const [error, setError] = useState<string | null>(null);
  const [blocked, setBlocked] = useState<CatalogueEntryNaming[] | null>(null);
  const submit = async () => {
    // an invalid form shows its messages; the rejection is not an error
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setError(null);
    const body = { name: v.name, nameEn: v.nameEn ?? '', kind: v.kind, areaCode: v.areaCode ?? null, active: v.active };
    try {
      if (editing) await api.patch(`/api/v1/departments/${editing.code}`, body);
      else await api.post('/api/v1/departments', { code: v.code, ...body });
      onSaved();
    } catch (err) {
      const entries = catalogueEntriesOf(err);
      setBlocked(entries);
      setError(entries ? null : te(err));
    }
  };
  const initial: Partial<DeptForm> = editing ? { ...editing } : { kind: 'functional', active: true, areaCode: defaultArea };
  return (
    <Modal open title={editing ? t('org.department.edit', { code: editing.code }) : t('org.department.add')} onOk={() => void submit()} onCancel={onClose} okText={t('common.save')} cancelText={t('common.cancel')}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      {blocked && <div style={{ marginBottom: 12 }}><CatalogueEntriesNote entries={blocked} /></div>}
      <Form form={form} layout="vertical" initialValues={initial}>
        <Form.Item name="code" label={t('org.department.code')} extra={t('org.department.code_hint')} rules={[{ required: true, pattern: /^[A-Z][A-Z0-9_]{0,31}$/, message: t('org.department.code_rule') }]}>
          <Input disabled={!!editing} />
        </Form.Item>
        <Form.Item name="name" label={t('org.name')} rules={[{ required: true, whitespace: true, max: 100, message: t('org.name_rule') }]}>
          <Input />
        </Form.Item>
        <Form.Item name="nameEn" label={t('org.name_en')}>
          <Input />
        </Form.Item>
        <Form.Item name="kind" label={t('org.department.kind')} rules={[{ required: true }]}>
          <Select options={kinds.map((k) => ({ value: k, label: t(`org.kind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="areaCode" label={t('org.department.area')} extra={t('org.department.area_hint')}>
          <AreaTreePicker deepest="street" aria-label={t('org.department.area')} />
        </Form.Item>
        <Form.Item name="active" label={t('org.status')} valuePropName="checked">
          <Switch checkedChildren={t('org.active')} unCheckedChildren={t('org.inactive')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
