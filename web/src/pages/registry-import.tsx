import { InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Progress, Result, Select, Space, Table, Typography, Upload } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api, upload } from '../api/client.ts';
import type { ImportJob } from '../api/types.ts';
import { isMessageKey, type MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { importProgress } from '../lib/import-progress.ts';

const types = ['people', 'houses', 'organisations', 'components'] as const;
type RowProblem = ImportJob['errors'][number];

/**
 * 数据导入: upload a CSV/XLSX/GeoJSON, watch the server validate and import it, and read the row-by-row report
 * when it refuses the file (nothing is half-imported: a bad row means no row at all).
 */
export function RegistryImportPage() {
  const { t, te } = useLocale();
  const [type, setType] = useState<(typeof types)[number]>('people');
  const [file, setFile] = useState<File | null>(null);
  const [uploadFraction, setUploadFraction] = useState<number | null>(null);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [error, setError] = useState<unknown>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const poll = (id: string) => {
    api
      .get<ImportJob>(`/api/v1/imports/${id}`)
      .then((j) => {
        setJob(j);
        if (j.state === 'validating' || j.state === 'importing') timer.current = setTimeout(() => poll(id), 700);
      })
      .catch(setError);
  };

  const start = async () => {
    if (!file) return;
    setError(null);
    setJob(null);
    const form = new FormData();
    form.append('type', type);
    form.append('file', file, file.name);
    try {
      setUploadFraction(0);
      const created = await upload<ImportJob>('/api/v1/imports', form, setUploadFraction);
      setJob(created);
      poll(created.id);
    } catch (err) {
      setError(err);
    } finally {
      setUploadFraction(null);
    }
  };

  // Each problem in the locale from its code; a report from before the codes (or an unknown code) keeps the server's text.
  const problem = (e: RowProblem) => {
    const key = `error.${e.code ?? ''}`;
    return e.code && isMessageKey(key) ? t(key, { row: e.row, column: e.column, ...e.params }) : e.reason;
  };

  const p = importProgress(job, uploadFraction);
  return (
    <div style={{ maxWidth: 960 }}>
      <Typography.Title level={2} className="page-title" style={{ fontSize: 20 }}>
        {t('nav.import')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('import.hint')}</Typography.Paragraph>
      <Card>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <label htmlFor="import-type">{t('import.type')}</label>
            <Select id="import-type" value={type} onChange={setType} style={{ width: 180 }} options={types.map((x) => ({ value: x, label: t(`registry.tab.${x}` as MessageKey) }))} />
          </Space>
          <Upload.Dragger accept=".csv,.xlsx,.geojson,.json" maxCount={1} beforeUpload={(f) => (setFile(f), false)} onRemove={() => setFile(null)} fileList={file ? [{ uid: '1', name: file.name, status: 'done' }] : []}>
            <p className="ant-upload-drag-icon">
              <InboxOutlined aria-hidden />
            </p>
            <p>{t('import.drop')}</p>
          </Upload.Dragger>
          <Button type="primary" disabled={!file || p.running} loading={p.running} onClick={() => void start()}>
            {t('import.start')}
          </Button>
          {error !== null && <Alert type="error" showIcon role="alert" message={te(error)} />}
          {(p.running || job) && (
            <div aria-live="polite">
              <Typography.Text>{t(`import.phase.${p.phase}` as MessageKey, { processed: job?.processedRows ?? 0, total: job?.totalRows ?? 0 })}</Typography.Text>
              <Progress percent={p.percent} status={p.status} aria-label={t('import.progress')} />
            </div>
          )}
          {job?.state === 'done' && <Result status="success" title={t('import.done', { n: job.importedRows })} />}
          {job?.state === 'failed' && (
            <>
              <Alert type="error" showIcon message={t('import.rejected', { n: job.errorCount })} description={t('import.rejected_rows', { rows: new Set(job.errors.map((e) => e.row)).size, total: job.totalRows })} />
              <Table
                size="small"
                rowKey={(r) => `${r.row}:${r.column}:${r.code ?? ''}:${r.reason}`}
                dataSource={job.errors}
                pagination={{ pageSize: 50 }}
                columns={[
                  { title: t('import.row'), dataIndex: 'row', width: 90, render: (row: number) => (row === 0 ? t('import.whole_file') : row) },
                  { title: t('import.column'), dataIndex: 'column', width: 160 },
                  { title: t('import.reason'), key: 'reason', render: (_: unknown, e: RowProblem) => problem(e) },
                ]}
                data-testid="import-errors"
              />
            </>
          )}
        </Space>
      </Card>
    </div>
  );
}
