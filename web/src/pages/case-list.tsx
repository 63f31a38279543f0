import { Typography } from 'antd';
import { CaseTable } from '../components/case-table.tsx';
import { useLocale } from '../i18n/locale.tsx';

/** 案件查询: every case in the viewer's scope with all filters. */
export function CaseListPage() {
  const { t } = useLocale();
  return (
    <div>
      <Typography.Title level={2} className="page-title" style={{ fontSize: 20 }}>
        {t('list.title')}
      </Typography.Title>
      <CaseTable exportable label={t('list.title')} base={{}} filters={['state', 'category', 'area', 'urgent', 'supervision', 'channel']} />
    </div>
  );
}
