import { ClockCircleOutlined, PauseCircleOutlined } from '@ant-design/icons';
import { Tag, Tooltip } from 'antd';
import { useEffect, useState } from 'react';
import { serverNow } from '../auth/ui-config.tsx';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { deadlineState, formatDuration, type Card, type DeadlineInput } from '../lib/deadline.ts';
import { formatDateTime } from '../lib/format.ts';

const stateColors: Record<string, string> = {
  received: 'blue',
  filed: 'geekblue',
  dispatched: 'purple',
  handling: 'cyan',
  extension_requested: 'gold',
  parked: 'default',
  reported: 'lime',
  checked: 'green',
  closed: 'green',
  rated: 'success',
  rejected: 'default',
  returned: 'orange',
  void: 'default',
  merged: 'default',
};

export function StateTag({ state }: { state: string }) {
  const { t } = useLocale();
  return (
    <Tag color={stateColors[state] ?? 'default'} data-state={state}>
      {t(`state.${state}` as MessageKey)}
    </Tag>
  );
}

// Text labels, not only colour, so the card is readable without colour vision (WCAG 1.4.1).
export function CardTag({ card }: { card: Card }) {
  const { t } = useLocale();
  if (card === 'none') return null;
  return (
    <Tag color={card === 'red' ? 'red' : 'gold'} data-card={card}>
      {t(`card.${card}`)}
    </Tag>
  );
}

/** Hook: the server-clock "now", ticking every `ms`. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const id = setInterval(() => setNow(serverNow()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** 处置时限 countdown with its card; says when the clock is paused rather than pretending it runs. */
export function DeadlineClock({ deadline, compact }: { deadline: DeadlineInput; compact?: boolean }) {
  const { t, locale } = useLocale();
  const now = useNow();
  const s = deadlineState(deadline, now);
  if (!s.hasDeadline) return <span aria-label={t('field.deadline')}>—</span>;
  const unit = { days: (n: number) => t('time.days', { n }), hours: (n: number) => t('time.hours', { n }), minutes: (n: number) => t('time.minutes', { n }) };
  const text = s.remainingMs < 0 ? t('time.overdue_by', { duration: formatDuration(s.remainingMs, unit) }) : t('time.remaining', { duration: formatDuration(s.remainingMs, unit) });
  const color = s.card === 'red' ? '#b42318' : s.card === 'yellow' ? '#8a5a00' : '#1f5e2e';
  return (
    <Tooltip title={`${t('field.deadline')}: ${formatDateTime(deadline.dueAt, locale)}`}>
      <span style={{ color, whiteSpace: 'nowrap' }} data-testid="deadline-clock" data-card={s.card}>
        {s.paused ? <PauseCircleOutlined aria-hidden /> : <ClockCircleOutlined aria-hidden />} {text}
        {s.paused && !compact && <> · {t('time.paused')}</>} {!compact && <CardTag card={s.card} />}
      </span>
    </Tooltip>
  );
}
