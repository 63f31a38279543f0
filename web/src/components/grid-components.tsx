import { Alert, App, List, Select, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, type Page } from '../api/client.ts';
import type { RegistryComponent } from '../api/types.ts';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';

const states = ['intact', 'damaged', 'missing', 'removed'] as const;

/** Keeping base data fresh on patrol: the components of my grid, with their state editable in one tap. */
export function GridComponents({ gridCode }: { gridCode: string | null }) {
  const { t, te } = useLocale();
  const { message } = App.useApp();
  const [items, setItems] = useState<RegistryComponent[]>([]);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api
      .get<Page<RegistryComponent>>('/api/v1/components', { grid: gridCode ?? undefined, pageSize: 50 })
      .then((p) => (setItems(p.items), setTotal(p.total)))
      .catch(setError);
  }, [gridCode]);

  const change = async (c: RegistryComponent, state: string) => {
    try {
      const updated = await api.patch<RegistryComponent>(`/api/v1/components/${c.id}`, { state });
      setItems((list) => list.map((x) => (x.id === c.id ? updated : x)));
      void message.success(t('common.saved'));
    } catch (err) {
      void message.error(te(err));
    }
  };

  if (error !== null) return <Alert type="error" showIcon message={te(error)} />;
  return (
    <List
      header={<Typography.Text type="secondary">{t('common.total', { total })}</Typography.Text>}
      dataSource={items}
      renderItem={(c) => (
        <List.Item
          actions={[
            <Select
              key="s"
              aria-label={`${t('grid.component_state')} ${c.name || c.code}`}
              value={c.state}
              style={{ width: 110 }}
              onChange={(v) => void change(c, v)}
              options={states.map((s) => ({ value: s, label: t(`registry.state.${s}` as MessageKey) }))}
            />,
          ]}
        >
          <List.Item.Meta title={`${c.className} ${c.name}`} description={<>{c.code} {c.address && `· ${c.address}`} {c.state !== 'intact' && <Tag color="orange">{t(`registry.state.${c.state}` as MessageKey)}</Tag>}</>} />
        </List.Item>
      )}
    />
  );
}
