import { Tabs, Typography } from 'antd';
import { useState } from 'react';
import { departmentName, useDepartments } from '../api/reference.ts';
import { useSession } from '../auth/session.tsx';
import { CaseRowActions } from '../components/case-row-actions.tsx';
import { CaseTable, type CaseFilter } from '../components/case-table.tsx';
import { useLocale } from '../i18n/locale.tsx';

const tabs: { key: string; label: 'workbench.tab.to_accept' | 'workbench.tab.handling' | 'workbench.tab.waiting' | 'workbench.tab.reported'; base: CaseFilter; primary: string[] }[] = [
  { key: 'accept', label: 'workbench.tab.to_accept', base: { state: ['dispatched'] }, primary: ['accept', 'object'] },
  { key: 'handling', label: 'workbench.tab.handling', base: { state: ['handling'] }, primary: ['report', 'request_extension'] },
  { key: 'waiting', label: 'workbench.tab.waiting', base: { state: ['extension_requested', 'parked'] }, primary: [] },
  { key: 'reported', label: 'workbench.tab.reported', base: { state: ['reported', 'checked'] }, primary: [] },
];

/**
 * 处置: the cases of the handler's own unit. The API narrows the list to the handler's department, so this
 * screen cannot show another unit's work even by a crafted filter.
 */
export function WorkbenchPage() {
  const { me } = useSession();
  const { t, locale } = useLocale();
  const departments = useDepartments();
  const [tab, setTab] = useState('accept');
  const current = tabs.find((x) => x.key === tab)!;
  return (
    <div>
      <Typography.Title level={2} className="page-title" style={{ fontSize: 20 }}>
        {t('workbench.title')}
      </Typography.Title>
      {me?.departmentCode && <Typography.Paragraph type="secondary">{t('workbench.unit', { unit: departmentName(departments, me.departmentCode, locale) })}</Typography.Paragraph>}
      <Tabs activeKey={tab} onChange={setTab} items={tabs.map((x) => ({ key: x.key, label: t(x.label) }))} />
      <CaseTable key={tab} label={t(current.label)} base={current.base} filters={['category', 'urgent', 'supervision']} compact actions={(row, reload) => <CaseRowActions row={row} primary={current.primary} onDone={reload} />} />
    </div>
  );
}
