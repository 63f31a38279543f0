import { Button, Card, Empty, List, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { answerFromItem, type KnowledgeHit } from '../../../shared/notify.ts';
import { api } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';

/** Tells the catalogue which item answered a 直接办结 (its use count and yearly review read this). */
export const recordKnowledgeAnswer = (itemId: string, caseCode: string) => api.post(`/api/v1/knowledge/items/${itemId}/answers`, { caseCode });

/**
 * 知识库推荐 beside the triage panel: while the clerk types, the best catalogue items for the text; "answer with
 * this" fills the answer for 直接办结 and remembers which item it came from.
 */
export function KnowledgeSuggest({ text, onUse }: { text: string | undefined; onUse: (item: KnowledgeHit, answer: string) => void }) {
  const { t } = useLocale();
  const [items, setItems] = useState<KnowledgeHit[]>([]);
  useEffect(() => {
    const q = (text ?? '').trim();
    if (q.length < 2) return setItems([]);
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      api
        .get<{ items: KnowledgeHit[] }>('/api/v1/knowledge/search', { q: q.slice(0, 200), limit: 3 }, { signal: ctrl.signal })
        .then((r) => setItems(r.items))
        .catch(() => undefined);
    }, 350);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [text]);

  return (
    <Card size="small" title={t('knowledge.suggest_title')} data-testid="knowledge-suggest">
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('knowledge.none')} />
      ) : (
        <List
          size="small"
          dataSource={items}
          renderItem={(item) => (
            <List.Item actions={[<Button key="use" size="small" onClick={() => onUse(item, answerFromItem(item))}>{t('knowledge.use')}</Button>]}>
              <List.Item.Meta
                title={<span data-testid="knowledge-hit">{item.title}</span>}
                description={
                  <Typography.Text type="secondary">
                    {item.department?.name}
                    {item.materials.length ? ` · ${t('knowledge.materials')}：${item.materials.join('、')}` : ''}
                    {item.timeLimit ? ` · ${t('knowledge.time_limit')}：${item.timeLimit}` : ''}
                  </Typography.Text>
                }
              />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
