import { EllipsisOutlined } from '@ant-design/icons';
import { Button, Dropdown, Space } from 'antd';
import { useState } from 'react';
import { allowedActions, type CaseState } from '../../../shared/cases/state-machine.ts';
import type { CaseSummary } from '../api/types.ts';
import { useSession } from '../auth/session.tsx';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { actionsFor, actionSpec } from '../lib/case-actions.ts';
import { CaseActionModal } from './case-action-modal.tsx';
import { App } from 'antd';

/**
 * The buttons a row offers: the user's permitted next steps from the case's state, the `primary` ones as
 * buttons and the rest in a menu. Each opens the action's form.
 */
export function CaseRowActions({ row, primary, onDone, expand }: { row: CaseSummary; primary: readonly string[]; onDone: () => void; /** every action as a button (a phone has no hover menu to find) */ expand?: boolean }) {
  const { me } = useSession();
  const { t } = useLocale();
  const { message } = App.useApp();
  const [action, setAction] = useState<string | null>(null);
  if (!me) return null;
  const available = actionsFor({ state: row.state, allowedActions: allowedActions(row.state as CaseState), department: row.department }, me);
  const main = expand ? available : available.filter((a) => primary.includes(a));
  const rest = expand ? [] : available.filter((a) => !primary.includes(a));
  return (
    <Space size={4} wrap>
      {main.map((a) => (
        <Button key={a} size="small" type={actionSpec(a).danger ? 'default' : 'primary'} danger={actionSpec(a).danger} onClick={() => setAction(a)} data-testid={`row-action-${a}`}>
          {t(`action.${a}` as MessageKey)}
        </Button>
      ))}
      {rest.length > 0 && (
        <Dropdown menu={{ items: rest.map((a) => ({ key: a, label: t(`action.${a}` as MessageKey), danger: actionSpec(a).danger })), onClick: ({ key }) => setAction(key) }}>
          <Button size="small" aria-label={t('common.actions')} icon={<EllipsisOutlined aria-hidden />} />
        </Dropdown>
      )}
      <CaseActionModal
        target={action ? row : null}
        action={action}
        onClose={() => setAction(null)}
        onDone={(c) => {
          setAction(null);
          void message.success(t('action.done', { action: t(`action.${action}` as MessageKey) }) + ` · ${c.code}`);
          onDone();
        }}
      />
    </Space>
  );
}
