import { Alert, App, Button, Card, Checkbox, Form, Input, Modal, Radio, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { roles, type Role } from '../../../shared/permissions.ts';
import type { UserDto } from '../../../shared/org.ts';
import { api, type Page } from '../api/client.ts';
import { departmentName, unitOptions } from '../api/reference.ts';
import type { Department } from '../api/types.ts';
import { AreaTreePicker } from '../components/area-tree-picker.tsx';
import { useSession } from '../auth/session.tsx';
import { useLocale } from '../i18n/locale.tsx';

const staffRoles = roles.filter((r) => r !== 'citizen');
/** the area code at the end of an ltree scope path */
const scopeCode = (path: string) => path.split('.').pop() ?? path;

/** 10+ characters with letters and digits (the server's policy), from the browser's CSPRNG; no look-alikes. */
export function generatePassword(): string {
  const letters = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
  const digits = '23456789';
  const all = letters + digits;
  const pick = (set: string, n: number) => Array.from(crypto.getRandomValues(new Uint32Array(n)), (x) => set[x % set.length]).join('');
  return pick(letters, 1) + pick(digits, 1) + pick(all, 10);
}

type UserForm = { username: string; displayName: string; password: string; roles: Role[]; scopeArea: string; departmentCode?: string | null; mustChangePassword?: boolean };

/** 账号管理: accounts in my scope — create, roles, data scope on the org tree, disable, unlock, password reset. */
export function AdminUsersPage() {
  const { t, te, locale } = useLocale();
  const { message, modal } = App.useApp();
  const { me } = useSession();
  const [data, setData] = useState<Page<UserDto>>({ items: [], total: 0, page: 1, pageSize: 20 });
  const [departments, setDepartments] = useState<Department[]>([]);
  const [filter, setFilter] = useState<{ q?: string; role?: string; department?: string; page: number }>({ page: 1 });
  const [editing, setEditing] = useState<UserDto | 'new' | null>(null);
  const [resetting, setResetting] = useState<UserDto | null>(null);

  const load = useCallback(() => {
    api
      .get<Page<UserDto>>('/api/v1/users', { ...filter, pageSize: 20 })
      .then(setData)
      .catch((err: unknown) => void message.error(te(err)));
  }, [filter, message, te]);
  useEffect(load, [load]);
  useEffect(() => {
    api
      .get<Department[]>('/api/v1/departments')
      .then(setDepartments)
      .catch((err: unknown) => void message.error(te(err)));
  }, [message, te]);

  const patch = (u: UserDto, body: Record<string, unknown>, done: string) =>
    api
      .patch(`/api/v1/users/${u.id}`, body)
      .then(() => {
        void message.success(done);
        load();
      })
      .catch((err: unknown) => void message.error(te(err)));

  const columns: TableColumnsType<UserDto> = [
    { title: t('users.username'), dataIndex: 'username' },
    { title: t('users.display_name'), dataIndex: 'displayName' },
    { title: t('user.roles'), dataIndex: 'roles', render: (rs: string[]) => rs.map((r) => <Tag key={r}>{t(`role.${r}` as never)}</Tag>) },
    { title: t('users.scope'), dataIndex: 'scope', render: (s: string) => scopeCode(s) },
    { title: t('users.department'), dataIndex: 'departmentCode', render: (c: string | null) => (c ? departmentName(departments, c, locale) : '—') },
    {
      title: t('org.status'),
      render: (_: unknown, u) => (
        <Space size={4}>
          {u.disabled ? <Tag color="default">{t('users.disabled')}</Tag> : <Tag color="green">{t('org.active')}</Tag>}
          {u.lockedUntil && <Tag color="orange">{t('users.locked')}</Tag>}
          {u.mustChangePassword && <Tag color="blue">{t('users.must_change_tag')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      render: (_: unknown, u) => (
        <Space size={4} wrap>
          <Button autoInsertSpace={false} size="small" aria-label={`${t('org.edit')} ${u.username}`} onClick={() => setEditing(u)}>
            {t('org.edit')}
          </Button>
          <Button autoInsertSpace={false} size="small" aria-label={`${t('users.reset_password')} ${u.username}`} onClick={() => setResetting(u)}>
            {t('users.reset_password')}
          </Button>
          {u.lockedUntil && (
            <Button autoInsertSpace={false} size="small" aria-label={`${t('users.unlock')} ${u.username}`} onClick={() => void patch(u, { unlock: true }, t('users.unlocked'))}>
              {t('users.unlock')}
            </Button>
          )}
          {u.id !== me?.id && (
            <Button
              autoInsertSpace={false}
              size="small"
              danger={!u.disabled}
              aria-label={`${t(u.disabled ? 'org.enable' : 'org.disable')} ${u.username}`}
              onClick={() =>
                u.disabled
                  ? void patch(u, { disabled: false }, t('org.department.enabled'))
                  : modal.confirm({ title: t('users.disable_confirm', { name: u.displayName }), okText: t('org.disable'), cancelText: t('common.cancel'), onOk: () => patch(u, { disabled: true }, t('users.disabled')) })
              }
            >
              {t(u.disabled ? 'org.enable' : 'org.disable')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('users.title')}</Typography.Title>
      <Card
        extra={
          <Button type="primary" onClick={() => setEditing('new')}>
            {t('users.add')}
          </Button>
        }
        title={t('users.list')}
      >
        <Space wrap style={{ marginBottom: 12 }}>
          <Input.Search aria-label={t('users.search')} placeholder={t('users.search')} allowClear onSearch={(q) => setFilter((f) => ({ ...f, q: q || undefined, page: 1 }))} style={{ width: 220 }} />
          <Select aria-label={t('user.roles')} placeholder={t('user.roles')} allowClear showSearch optionFilterProp="label" style={{ width: 150 }} onChange={(role?: string) => setFilter((f) => ({ ...f, role, page: 1 }))} options={staffRoles.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
          <Select
            aria-label={t('users.department')}
            placeholder={t('users.department')}
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 220 }}
            onChange={(department?: string) => setFilter((f) => ({ ...f, department, page: 1 }))}
            options={departments.map((d) => ({ value: d.code, label: `${d.name}（${d.code}）` }))}
          />
        </Space>
        <Table
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={data.items}
          pagination={{ current: data.page, pageSize: 20, total: data.total, showTotal: (n) => t('common.total', { total: n }), onChange: (page) => setFilter((f) => ({ ...f, page })) }}
        />
      </Card>
      {editing && (
        <UserModal
          user={editing === 'new' ? null : editing}
          departments={departments}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            load();
          }}
        />
      )}
      {resetting && <PasswordModal user={resetting} onClose={() => setResetting(null)} onSaved={load} />}
    </Space>
  );
}

function UserModal({ user, departments, onClose, onSaved }: { user: UserDto | null; departments: Department[]; onClose(): void; onSaved(): void }) {
  const { t, te, locale } = useLocale();
  const [form] = Form.useForm<UserForm>();
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    // an invalid form shows its messages; the rejection is not an error
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setError(null);
    try {
      if (user) {
        await api.patch(`/api/v1/users/${user.id}`, { displayName: v.displayName, roles: v.roles, scopeArea: v.scopeArea, departmentCode: v.departmentCode ?? null });
      } else {
        await api.post('/api/v1/users', { ...v, departmentCode: v.departmentCode ?? null, mustChangePassword: v.mustChangePassword ?? true });
      }
      onSaved();
    } catch (err) {
      setError(te(err));
    }
  };
  const initial: Partial<UserForm> = user ? { username: user.username, displayName: user.displayName, roles: user.roles as Role[], scopeArea: scopeCode(user.scope), departmentCode: user.departmentCode } : { roles: [], mustChangePassword: true };
  return (
    <Modal open width={560} title={user ? t('users.edit', { name: user.username }) : t('users.add')} onOk={() => void submit()} onCancel={onClose} okText={t('common.save')} cancelText={t('common.cancel')}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={initial}>
        <Form.Item name="username" label={t('users.username')} rules={[{ required: true, pattern: /^[a-zA-Z0-9][a-zA-Z0-9._-]{1,63}$/, message: t('users.username_rule') }]}>
          <Input disabled={!!user} autoComplete="off" />
        </Form.Item>
        <Form.Item name="displayName" label={t('users.display_name')} rules={[{ required: true, whitespace: true, max: 100, message: t('org.name_rule') }]}>
          <Input />
        </Form.Item>
        {!user && (
          <Form.Item name="password" label={t('users.initial_password')} extra={t('users.password_rule')} rules={[{ required: true, min: 10, pattern: /(?=.*[A-Za-z])(?=.*[0-9])/, message: t('users.password_rule') }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        )}
        {!user && (
          <Form.Item name="mustChangePassword" valuePropName="checked">
            <Checkbox>{t('users.must_change')}</Checkbox>
          </Form.Item>
        )}
        <Form.Item name="roles" label={t('user.roles')} rules={[{ required: true, type: 'array', min: 1, message: t('users.roles_rule') }]}>
          <Select mode="multiple" aria-label={t('user.roles')} optionFilterProp="label" options={staffRoles.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        </Form.Item>
        <Form.Item name="scopeArea" label={t('users.scope')} extra={t('users.scope_hint')} rules={[{ required: true, message: t('users.scope_rule') }]}>
          <AreaTreePicker aria-label={t('users.scope')} allowClear={false} />
        </Form.Item>
        <Form.Item name="departmentCode" label={t('users.department')} extra={t('users.department_hint')}>
          <Select aria-label={t('users.department')} allowClear showSearch optionFilterProp="label" options={unitOptions(departments, locale)} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 重置密码: the admin types a one-time password or lets the browser generate one, shown once after saving. */
function PasswordModal({ user, onClose, onSaved }: { user: UserDto; onClose(): void; onSaved(): void }) {
  const { t, te } = useLocale();
  const [mode, setMode] = useState<'generate' | 'set'>('generate');
  const [typed, setTyped] = useState('');
  const [oneTime, setOneTime] = useState(true);
  const [shown, setShown] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    const password = mode === 'generate' ? generatePassword() : typed;
    setError(null);
    try {
      await api.patch(`/api/v1/users/${user.id}`, { password, unlock: true, mustChangePassword: oneTime });
      setShown(mode === 'generate' ? password : null);
      onSaved();
      if (mode === 'set') onClose();
    } catch (err) {
      setError(te(err));
    }
  };
  return (
    <Modal
      open
      title={t('users.reset_password_of', { name: user.username })}
      onCancel={onClose}
      footer={shown ? [<Button key="close" type="primary" onClick={onClose}>{t('common.close')}</Button>] : undefined}
      onOk={() => void save()}
      okText={t('users.reset_password')}
      cancelText={t('common.cancel')}
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      {shown ? (
        <Alert
          type="success"
          showIcon
          message={t('users.generated_once')}
          description={
            <Typography.Text copyable code data-testid="generated-password">
              {shown}
            </Typography.Text>
          }
        />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Radio.Group value={mode} onChange={(e) => setMode(e.target.value as 'generate' | 'set')}>
            <Radio value="generate">{t('users.password_generate')}</Radio>
            <Radio value="set">{t('users.password_set')}</Radio>
          </Radio.Group>
          {mode === 'set' && <Input.Password aria-label={t('users.new_password')} placeholder={t('users.password_rule')} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="new-password" />}
          <Checkbox checked={oneTime} onChange={(e) => setOneTime(e.target.checked)}>
            {t('users.must_change')}
          </Checkbox>
          <Typography.Text type="secondary">{t('users.reset_hint')}</Typography.Text>
        </Space>
      )}
    </Modal>
  );
}
