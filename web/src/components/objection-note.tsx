import { Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { departmentName, useDepartments } from '../api/reference.ts';
import type { CaseDetail } from '../api/types.ts';
import { useLocale } from '../i18n/locale.tsx';

/** The latest 退单 of a returned case: which unit bounced it and why (the list view does not carry it). */
export function ObjectionNote({ code, version }: { code: string; version: number }) {
  const { locale } = useLocale();
  const departments = useDepartments();
  const [last, setLast] = useState<CaseDetail['objections'][number] | null>(null);
  useEffect(() => {
    api
      .get<CaseDetail>(`/api/v1/cases/${code}`)
      .then((d) => setLast(d.objections.at(-1) ?? null))
      .catch(() => setLast(null));
  }, [code, version]);
  if (!last) return <>—</>;
  return (
    <Typography.Text>
      <strong>{departmentName(departments, last.department, locale)}</strong>: {last.reason}
    </Typography.Text>
  );
}
