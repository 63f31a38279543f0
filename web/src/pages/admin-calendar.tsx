import { Alert, App, Button, Card, Input, InputNumber, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';

interface Day {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
}
interface Preview {
  year: number;
  days: Day[];
  problems: { line: string; reason: string }[];
}

/** 工作日历 for admins: the year's holidays, and the State Council notice pasted → previewed → saved. */
export function AdminCalendarPage() {
  const { t, te } = useLocale();
  const { message } = App.useApp();
  const [year, setYear] = useState(new Date().getFullYear() + 1);
  const [text, setText] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);
  const [current, setCurrent] = useState<Day[]>([]);

  const load = useCallback(() => {
    api
      .get<{ items: Day[] }>('/api/v1/calendar/days', { year, pageSize: 200 })
      .then((r) => setCurrent(r.items))
      .catch((err: unknown) => void message.error(te(err)));
  }, [year, message, te]);
  useEffect(load, [load]);

  const read = () =>
    api
      .post<Preview>('/api/v1/calendar/notice-preview', { text })
      .then((p) => {
        setPreview(p);
        setYear(p.year);
      })
      .catch((err: unknown) => void message.error(te(err)));

  const save = () =>
    preview &&
    api
      .put('/api/v1/calendar/days', { year: preview.year, days: preview.days })
      .then(() => {
        void message.success(t('admin.calendar.saved'));
        setPreview(null);
        load();
      })
      .catch((err: unknown) => void message.error(te(err)));

  const columns: TableColumnsType<Day> = [
    { title: t('admin.calendar.date'), dataIndex: 'date' },
    { title: t('admin.calendar.kind'), dataIndex: 'kind', render: (k: Day['kind']) => <Tag color={k === 'holiday' ? 'red' : 'blue'}>{t(`admin.calendar.kind.${k}`)}</Tag> },
    { title: t('admin.calendar.name'), dataIndex: 'name' },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('admin.calendar.title')}</Typography.Title>
      <Alert type="info" message={t('admin.calendar.hint')} />
      <Card title={t('admin.calendar.notice')}>
        <Input.TextArea aria-label={t('admin.calendar.notice')} rows={8} value={text} onChange={(e) => setText(e.target.value)} />
        <Space style={{ marginTop: 12 }}>
          <Button onClick={() => void read()} disabled={!text.trim()}>{t('admin.calendar.preview')}</Button>
          <Button type="primary" onClick={() => void save()} disabled={!preview || preview.days.length === 0}>{t('admin.calendar.save')}</Button>
        </Space>
        {preview && preview.problems.length > 0 && (
          <Alert style={{ marginTop: 12 }} type="warning" message={t('admin.calendar.problems')} description={preview.problems.map((p) => <div key={p.line}>{p.line}</div>)} />
        )}
        {preview && <Table style={{ marginTop: 12 }} rowKey="date" size="small" columns={columns} dataSource={preview.days} pagination={false} />}
      </Card>
      <Card title={t('admin.calendar.current')} extra={<Space>{t('admin.calendar.year')}<InputNumber aria-label={t('admin.calendar.year')} min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} /></Space>}>
        <Table rowKey="date" size="small" columns={columns} dataSource={current} pagination={false} />
      </Card>
    </Space>
  );
}
