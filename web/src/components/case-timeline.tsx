import { Tag, Timeline, Typography } from 'antd';
import { departmentName, useDepartments } from '../api/reference.ts';
import type { CaseDetail } from '../api/types.ts';
import type { MessageKey } from '../i18n/i18n.ts';
import { isMessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { formatDateTime } from '../lib/format.ts';

/** Every transition of the case, oldest first: who, when, from → to, why, and how many files. */
export function CaseTimeline({ events }: { events: CaseDetail['timeline'] }) {
  const { t, locale } = useLocale();
  const departments = useDepartments();
  // The person and their unit, never a login name; system steps (sweeps, IoT) say 系统.
  const who = (e: CaseDetail['timeline'][number]) => {
    const at = formatDateTime(e.at, locale);
    const name = e.actorName ?? (e.actor === 'system' || e.actor === 'cli' ? t('case.system') : e.actor);
    return e.actorUnit ? t('case.by_unit', { name, unit: departmentName(departments, e.actorUnit, locale), at }) : t('case.by_person', { name, at });
  };
  const label = (k: string) => (isMessageKey(k) ? t(k) : k.split('.').pop() ?? k);
  return (
    <Timeline
      data-testid="case-timeline"
      items={events.map((e) => ({
        key: e.id,
        color: e.action === 'object' || e.action === 'reject' || e.action === 'rework' ? 'red' : e.to === 'closed' || e.to === 'rated' ? 'green' : 'blue',
        children: (
          <div>
            <Typography.Text strong>{label(`action.${e.action}`)}</Typography.Text>{' '}
            {e.from && e.from !== e.to && (
              <Typography.Text type="secondary">
                {label(`state.${e.from}`)} → {label(`state.${e.to}`)}
              </Typography.Text>
            )}
            <div>
              <Typography.Text type="secondary">{who(e)}</Typography.Text>
            </div>
            {e.reason && <div>{e.reason}</div>}
            {e.attachments.length > 0 && <Tag>{`${t('field.attachments')} ${e.attachments.length}`}</Tag>}
          </div>
        ),
      }))}
    />
  );
}
