import { UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Space, Table, Upload } from 'antd';
import { useState } from 'react';
import type { OrgImportError, OrgImportResult } from '../../../shared/org.ts';
import { api, ApiError } from '../api/client.ts';
import { isMessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';

async function base64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * 组织架构导入: choose the file, the server checks every row (dry run) and reports what it would do or every
 * row problem by code; only then does "import" write, all rows or none.
 */
export function OrgImport({ onImported }: { onImported(): void }) {
  const { t, te } = useLocale();
  const { message } = App.useApp();
  const [file, setFile] = useState<{ name: string; content: string } | null>(null);
  const [result, setResult] = useState<OrgImportResult | null>(null);
  const [rowErrors, setRowErrors] = useState<OrgImportError[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (f: { name: string; content: string }, dryRun: boolean) => {
    setBusy(true);
    setError(null);
    setRowErrors([]);
    try {
      const r = await api.post<OrgImportResult>('/api/v1/org/import', { filename: f.name, content: f.content, dryRun });
      setResult(r);
      if (!dryRun) {
        void message.success(t('org.import.done'));
        setFile(null);
        onImported();
      }
    } catch (err) {
      setResult(null);
      setError(te(err));
      if (err instanceof ApiError && Array.isArray(err.body?.rowErrors)) setRowErrors(err.body.rowErrors as OrgImportError[]);
    } finally {
      setBusy(false);
    }
  };

  const choose = async (f: File) => {
    const picked = { name: f.name, content: await base64(f) };
    setFile(picked);
    await send(picked, true);
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <Upload accept=".csv,.xlsx" showUploadList={false} beforeUpload={(f) => (void choose(f), false)}>
          <Button icon={<UploadOutlined aria-hidden />} loading={busy}>
            {t('org.import.choose')}
          </Button>
        </Upload>
        {file && result?.dryRun && (
          <Button type="primary" loading={busy} onClick={() => void send(file, false)}>
            {t('org.import.apply', { name: file.name })}
          </Button>
        )}
      </Space>
      <Alert type="info" message={t('org.import.hint')} />
      {result && (
        <Descriptions size="small" bordered column={5} title={result.dryRun ? t('org.import.preview') : t('org.import.done')}>
          <Descriptions.Item label={t('org.import.rows')}>{result.rows}</Descriptions.Item>
          <Descriptions.Item label={t('org.import.areas_created')}>{result.areasCreated}</Descriptions.Item>
          <Descriptions.Item label={t('org.import.areas_renamed')}>{result.areasRenamed}</Descriptions.Item>
          <Descriptions.Item label={t('org.import.departments_created')}>{result.departmentsCreated}</Descriptions.Item>
          <Descriptions.Item label={t('org.import.departments_updated')}>{result.departmentsUpdated}</Descriptions.Item>
        </Descriptions>
      )}
      {error && <Alert type="error" showIcon message={error} />}
      {rowErrors.length > 0 && (
        <Table
          rowKey={(r) => `${r.row}:${r.column}:${r.code}`}
          size="small"
          dataSource={rowErrors}
          pagination={{ pageSize: 10 }}
          columns={[
            { title: t('org.import.row'), dataIndex: 'row', width: 80 },
            { title: t('org.import.column'), dataIndex: 'column', width: 140 },
            { title: t('org.import.problem'), render: (_: unknown, r: OrgImportError) => (isMessageKey(`error.${r.code}`) ? t(`error.${r.code}` as never) : r.detail) },
          ]}
        />
      )}
    </Space>
  );
}
