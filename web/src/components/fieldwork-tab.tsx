import { App, Button, Card, List, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type Page } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';

interface Patrol {
  id: string;
  pointCount: number;
  stoppedAt: string | null;
}
interface DueVisit {
  kind: 'person' | 'house';
  personId: string | null;
  houseId: string | null;
  name: string;
  nextDue: string;
  overdue: boolean;
}

/** 巡查走访 on the phone: a patrol that records GPS only while running, and the visits due by visitCycleDays. */
export function FieldworkTab() {
  const { t, te } = useLocale();
  const { message } = App.useApp();
  const [patrol, setPatrol] = useState<Patrol | null>(null);
  const [due, setDue] = useState<DueVisit[]>([]);
  const watch = useRef<number | null>(null);
  const loadDue = useCallback(() => void api.get<Page<DueVisit>>('/api/v1/fieldwork/visits/due', { pageSize: 50 }).then((p) => setDue(p.items)), []);
  useEffect(loadDue, [loadDue]);
  useEffect(() => () => (watch.current !== null ? navigator.geolocation.clearWatch(watch.current) : undefined), []);
  const fail = (e: unknown) => void message.error(te(e));

  async function start() {
    try {
      const p = await api.post<Patrol>('/api/v1/fieldwork/patrols', {});
      setPatrol(p);
      if ('geolocation' in navigator)
        watch.current = navigator.geolocation.watchPosition((pos) =>
          void api
            .post<Patrol>(`/api/v1/fieldwork/patrols/${p.id}/points`, { points: [{ at: new Date(pos.timestamp).toISOString(), lon: pos.coords.longitude, lat: pos.coords.latitude, accuracyM: pos.coords.accuracy }] })
            .then(setPatrol, () => undefined),
        );
    } catch (e) {
      fail(e);
    }
  }
  async function stop() {
    if (!patrol) return;
    if (watch.current !== null) navigator.geolocation.clearWatch(watch.current);
    watch.current = null;
    await api.post(`/api/v1/fieldwork/patrols/${patrol.id}/stop`).then(() => setPatrol(null), fail);
  }
  async function screeningNothing() {
    const month = new Date().toISOString().slice(0, 7);
    await api.post('/api/v1/fieldwork/screening', { period: month, nothingFound: true }).then(() => void message.success(t('fieldwork.screening_nothing')), fail);
  }
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card>
        {patrol ? (
          <Space direction="vertical">
            <Typography.Text>{t('fieldwork.running', { n: patrol.pointCount })}</Typography.Text>
            <Button size="large" danger block onClick={() => void stop()}>{t('fieldwork.stop')}</Button>
          </Space>
        ) : (
          <Button size="large" type="primary" block onClick={() => void start()}>{t('fieldwork.start')}</Button>
        )}
        <Button block style={{ marginTop: 8 }} onClick={() => void screeningNothing()}>{t('fieldwork.screening_nothing')}</Button>
      </Card>
      <Card title={t('fieldwork.visits_due')}>
        <List
          dataSource={due}
          renderItem={(v) => (
            <List.Item actions={[<Button key="v" onClick={() => void api.post('/api/v1/fieldwork/visits', v.kind === 'house' ? { houseId: v.houseId } : { personId: v.personId }).then(loadDue, fail)}>{t('fieldwork.visit_done')}</Button>]}>
              {v.kind === 'house' && <Tag>{t('fieldwork.house')}</Tag>}
              {v.name} {new Date(v.nextDue).toLocaleDateString()} {v.overdue && <Tag color="red">{t('disputes.overdue')}</Tag>}
            </List.Item>
          )}
        />
      </Card>
    </Space>
  );
}
