import { CameraOutlined } from '@ant-design/icons';
import { Button, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import { upload } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';

interface Uploaded {
  id: string;
}

/**
 * Photos for a case step: each file goes to the case's attachment endpoint at once (the server checks the type
 * by its bytes and strips GPS from the public copy); the ids come back for the action that cites them.
 */
export function PhotoUpload({ caseCode, onChange, label }: { caseCode: string; onChange: (ids: string[]) => void; label?: string }) {
  const { t, te } = useLocale();
  const [files, setFiles] = useState<UploadFile[]>([]);

  const emit = (list: UploadFile[]) => onChange(list.filter((f) => f.status === 'done' && (f.response as Uploaded | undefined)?.id).map((f) => (f.response as Uploaded).id));

  return (
    <Upload
      accept="image/jpeg,image/png"
      listType="picture"
      fileList={files}
      capture="environment"
      customRequest={({ file, onProgress, onSuccess, onError }) => {
        const form = new FormData();
        form.append('file', file as Blob, (file as File).name);
        upload<Uploaded>(`/api/v1/cases/${caseCode}/attachments`, form, (f) => onProgress?.({ percent: Math.round(f * 100) }))
          .then((res) => onSuccess?.(res))
          .catch((err) => onError?.(Object.assign(new Error(te(err)), { status: err.status })));
      }}
      onChange={({ fileList }) => {
        const list = fileList.map((f) => (f.status === 'error' ? { ...f, response: f.error?.message } : f));
        setFiles(list);
        emit(list);
      }}
    >
      <Button icon={<CameraOutlined aria-hidden />}>{label ?? t('case.photo_hint')}</Button>
    </Upload>
  );
}
