import { DownloadOutlined } from '@ant-design/icons';
import { App, Dropdown, Button } from 'antd';
import { useState } from 'react';
import { download, type QueryValue } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';

interface Props {
  /** the list's own path, e.g. `/api/v1/cases` */
  path: string;
  /** the list's current filters (without page): the file holds every row they match */
  query: Record<string, QueryValue>;
  /** base of the saved file's name, e.g. `cases` */
  name: string;
}

/** 导出: the filtered list as CSV or XLSX, masked exactly as on screen (the server uses the list's presenter). */
export function ExportButton({ path, query, name }: Props) {
  const { t, te, locale } = useLocale();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const run = async (format: 'csv' | 'xlsx') => {
    setBusy(true);
    try {
      await download(path, { ...query, format }, `${name}.${format}`, locale);
    } catch (err) {
      void message.error(te(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dropdown menu={{ items: [{ key: 'xlsx', label: t('export.xlsx') }, { key: 'csv', label: t('export.csv') }], onClick: ({ key }) => void run(key as 'csv' | 'xlsx') }}>
      <Button icon={<DownloadOutlined aria-hidden />} loading={busy}>
        {t('export.button')}
      </Button>
    </Dropdown>
  );
}
