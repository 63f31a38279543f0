import { Alert, Button, Card, Empty, List, Progress, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { categoryName, useTaxonomy } from '../api/reference.ts';
import type { TriageResult } from '../api/types.ts';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { CONFIDENT, formatPercent } from '../lib/format.ts';

interface Props {
  result: TriageResult | null;
  failed: boolean;
  loading: boolean;
  onApply: (category: string) => void;
  /** the case the clerk chose to merge the new appeal into, if any */
  mergeInto: string | null;
  onMerge: ((code: string | null) => void) | null;
  /** shown between the suggestion and the duplicates (the map), so both fit on the clerk's screen */
  children?: ReactNode;
}

/** Live suggestion beside the intake form: category with confidence, alternatives, and near-duplicates. */
export function TriagePanel({ result, failed, loading, onApply, mergeInto, onMerge, children }: Props) {
  const { t, locale } = useLocale();
  const { categories } = useTaxonomy();
  // Alternatives under 1 % are noise to a clerk on a call.
  const alternatives = (result?.alternatives ?? []).filter((a) => a.confidence >= 0.01).slice(0, 3);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card size="small" title={t('intake.triage')} loading={loading && !result} aria-live="polite" data-testid="triage-panel">
        {failed && <Alert type="info" showIcon message={t('intake.triage_unavailable')} />}
        {!failed && !result && <Typography.Text type="secondary">{t('intake.triage_wait')}</Typography.Text>}
        {!failed && result && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <div>
              <Typography.Text strong data-testid="triage-category">
                {categoryName(categories, result.category.code, locale)}
              </Typography.Text>{' '}
              {result.urgent && <Tag color="red">{t('field.urgent')}</Tag>}
              <Tag>{t(`nature.${result.nature.code}` as MessageKey)}</Tag>
            </div>
            <Progress
              percent={Math.round(result.category.confidence * 100)}
              status={result.category.confidence >= CONFIDENT ? 'success' : 'normal'}
              aria-label={`${t('field.confidence')} ${formatPercent(result.category.confidence)}`}
            />
            <Typography.Text type="secondary">
              {t('field.department')}: {result.department.name}
            </Typography.Text>
            {result.dispatchGate && (
              <Typography.Text type={result.dispatchGate.eligible ? 'success' : 'warning'} data-testid="triage-gate">
                {t(result.dispatchGate.eligible ? 'intake.triage_auto_yes' : 'intake.triage_auto_no', {
                  c: formatPercent(result.dispatchGate.confidence),
                  t: result.dispatchGate.threshold > 1 ? '—' : formatPercent(result.dispatchGate.threshold),
                  p: formatPercent(result.dispatchGate.precision),
                  v: formatPercent(result.dispatchGate.coverage),
                })}
              </Typography.Text>
            )}
            {result.explanation && result.explanation.words.length > 0 && (
              <div data-testid="triage-why">
                <Typography.Text type="secondary">{t('intake.triage_why')}: </Typography.Text>
                {result.explanation.words.map((w) => (
                  <Tag key={w.text} color="blue">
                    {w.text}
                  </Tag>
                ))}
                <div>
                  <Typography.Text type="secondary">
                    {t('intake.triage_why_not', {
                      name: categoryName(categories, result.explanation.runnerUp.code, locale),
                      words: result.explanation.runnerUp.words.map((w) => w.text).join('、') || '—',
                      m: result.explanation.runnerUp.margin.toFixed(1),
                    })}
                  </Typography.Text>
                </div>
              </div>
            )}
            {result.secondary && (
              <div data-testid="triage-secondary">
                <Typography.Text type="secondary">{t('intake.triage_secondary')}: </Typography.Text>
                {categoryName(categories, result.secondary.code, locale)} · {result.secondary.department.name}
              </div>
            )}
            {alternatives.length > 0 && (
              <div>
                <Typography.Text type="secondary">{t('intake.alternatives')}:</Typography.Text>
                <List
                  size="small"
                  dataSource={alternatives}
                  renderItem={(a) => (
                    <List.Item actions={[<Button key="use" size="small" type="link" onClick={() => onApply(a.code)}>{t('intake.triage_apply')}</Button>]}>
                      {categoryName(categories, a.code, locale)} · {formatPercent(a.confidence)}
                    </List.Item>
                  )}
                />
              </div>
            )}
          </Space>
        )}
      </Card>
      {children}
      <Card size="small" title={t('intake.duplicates')}>
        {!result || result.duplicates.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('intake.duplicates_none')} />
        ) : (
          <List
            size="small"
            dataSource={result.duplicates}
            renderItem={(d) => (
              <List.Item
                actions={
                  onMerge
                    ? [
                        <Button key="m" size="small" type={mergeInto === d.caseCode ? 'primary' : 'default'} onClick={() => onMerge(mergeInto === d.caseCode ? null : d.caseCode)} aria-pressed={mergeInto === d.caseCode}>
                          {t('intake.merge_into')}
                        </Button>,
                      ]
                    : []
                }
              >
                <a href={`/cases/${d.caseCode}`} target="_blank" rel="noreferrer">
                  {d.caseCode}
                </a>{' '}
                · {formatPercent(d.score)}
              </List.Item>
            )}
          />
        )}
        {result && result.duplicates.length > 0 && !onMerge && <Typography.Text type="secondary">{t('intake.merge_later')}</Typography.Text>}
      </Card>
    </Space>
  );
}
