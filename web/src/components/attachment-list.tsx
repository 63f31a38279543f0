import { FileOutlined } from '@ant-design/icons';
import { Button, Image, List, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { getToken } from '../api/client.ts';
import type { CaseDetail } from '../api/types.ts';
import { useLocale } from '../i18n/locale.tsx';
import { formatBytes, formatDateTime } from '../lib/format.ts';

/** Fetches a protected file with the bearer token (an <img src> cannot send it) and returns an object URL. */
function useBlobUrl(url: string | null): string | null {
  const [blobUrl, setBlobUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!url) return;
    let revoked = false;
    let made: string | null = null;
    fetch(url, { headers: { authorization: `Bearer ${getToken() ?? ''}` } })
      .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(String(r.status)))))
      .then((b) => {
        if (revoked) return;
        made = URL.createObjectURL(b);
        setBlobUrl(made);
      })
      .catch(() => setBlobUrl(null));
    return () => {
      revoked = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [url]);
  return blobUrl;
}

function Thumb({ code, a }: { code: string; a: CaseDetail['attachments'][number] }) {
  const src = useBlobUrl(a.kind === 'photo' ? `/api/v1/cases/${code}/attachments/${a.id}` : null);
  if (a.kind !== 'photo') return <FileOutlined style={{ fontSize: 32 }} aria-hidden />;
  return src ? <Image src={src} width={72} height={72} style={{ objectFit: 'cover' }} alt={a.fileName} /> : <div style={{ width: 72, height: 72, background: '#f0f0f0' }} />;
}

export function AttachmentList({ code, attachments }: { code: string; attachments: CaseDetail['attachments'] }) {
  const { t, locale } = useLocale();
  const download = async (a: CaseDetail['attachments'][number]) => {
    const r = await fetch(`/api/v1/cases/${code}/attachments/${a.id}`, { headers: { authorization: `Bearer ${getToken() ?? ''}` } });
    if (!r.ok) return;
    const url = URL.createObjectURL(await r.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = a.fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <List
      size="small"
      dataSource={attachments}
      locale={{ emptyText: t('common.none') }}
      renderItem={(a) => (
        <List.Item actions={[<Button key="d" size="small" onClick={() => void download(a)}>{t('case.download')}</Button>]}>
          <Space>
            <Thumb code={code} a={a} />
            <div>
              <Typography.Text>{a.fileName}</Typography.Text>
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatBytes(a.sizeBytes)} · {a.uploadedBy} · {formatDateTime(a.createdAt, locale)}
                </Typography.Text>
              </div>
            </div>
          </Space>
        </List.Item>
      )}
    />
  );
}
