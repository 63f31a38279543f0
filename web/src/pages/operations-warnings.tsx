import { Card, Empty, List, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { Warning } from '../../../shared/disputes.ts';
import { api, type Page } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';
import { Link } from '../router.tsx';

const levelColor = { yellow: 'gold', orange: 'orange', red: 'red' } as const;
const rank = { red: 0, orange: 1, yellow: 2 } as const;

/**
 * 运行监测's panel of open 风险预警: the five most severe, each linking to the warnings page and its cases.
 * The caller renders it only for roles with `warning.read`, so nobody else sees a 403 in the console.
 */
export function OperationsWarnings({ refreshKey }: { refreshKey: number }) {
  const { t, te } = useLocale();
  const [items, setItems] = useState<Warning[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(
    () =>
      void api.get<Page<Warning>>('/api/v1/warnings', { status: 'open', pageSize: 100 }).then(
        (p) => {
          // most severe first, then the newest: a red cluster outranks yesterday's yellow one
          setItems([...p.items].sort((a, b) => rank[a.level] - rank[b.level] || b.openedAt.localeCompare(a.openedAt)).slice(0, 5));
          setError(null);
        },
        setError,
      ),
    [],
  );
  useEffect(load, [load, refreshKey]);
  return (
    <Card size="small" title={t('ops.warnings')} extra={<Link to="/warnings">{t('ops.warnings_all')}</Link>} data-testid="ops-warnings">
      {error !== null ? (
        <Typography.Text type="danger">{te(error)}</Typography.Text>
      ) : items && items.length === 0 ? (
        <Empty description={t('ops.warnings_none')} />
      ) : (
        <List<Warning>
          size="small"
          loading={items === null}
          dataSource={items ?? []}
          renderItem={(w) => (
            <List.Item>
              <Space wrap>
                <Tag color={levelColor[w.level]}>{t(`warnings.kind.${w.kind}`)}</Tag>
                <Link to="/warnings">{`${w.area.name} · ${w.count}`}</Link>
                <Typography.Text type="secondary">{w.explanation}</Typography.Text>
                {w.caseCodes.slice(0, 3).map((c) => (
                  <Link key={c} to={`/cases/${c}`}>
                    {c}
                  </Link>
                ))}
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
