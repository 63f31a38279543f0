import type ExcelJS from 'exceljs';
import { loadExcel } from '../excel.ts';
import { indicatorByCode } from '../../../shared/evaluation.ts';

interface ScoresLike {
  from: string;
  to: string;
  scheme: { code: string; weights: Record<string, number>; normalisation: string };
  items: { subject: { type: string; code: string; name: string }; score: number | null; rank: number | null; ranked: boolean; caseCount: number; rankDelta: number | null; indicators: { code: string; value: number | null; numerator: number; denominator: number | null; points: number | null }[] }[];
}

/**
 * The scores answer as a workbook: one row per subject (the same order as the API), then per indicator its
 * value, numerator, denominator and points; a second sheet with the weights and the published rule.
 */
export async function scoresWorkbook(s: ScoresLike): Promise<Buffer> {
  const book = new (await loadExcel()).Workbook();
  book.created = new Date(0);
  const sheet = book.addWorksheet('评价得分');
  const codes = s.items[0]?.indicators.map((i) => i.code) ?? Object.keys(s.scheme.weights);
  const head = ['类型', '编码', '名称', '得分', '排名', '参与排名', '案件数', '名次变化'];
  for (const c of codes) {
    const n = indicatorByCode.get(c)?.name ?? c;
    head.push(`${n} 值`, `${n} 分子`, `${n} 分母`, `${n} 得分`);
  }
  sheet.addRow(head);
  sheet.getRow(1).font = { bold: true };
  for (const it of s.items) {
    const row: (string | number | null)[] = [it.subject.type, it.subject.code, it.subject.name, it.score, it.rank, it.ranked ? '是' : '否', it.caseCount, it.rankDelta];
    for (const c of codes) {
      const i = it.indicators.find((x) => x.code === c);
      row.push(i?.value ?? null, i?.numerator ?? null, i?.denominator ?? null, i?.points ?? null);
    }
    sheet.addRow(row);
  }
  sheet.views = [{ state: 'frozen', xSplit: 3, ySplit: 1 }];
  const about = book.addWorksheet('方案');
  about.addRows([['期间', `${s.from} — ${s.to}`], ['方案', s.scheme.code], ['规则', s.scheme.normalisation], [], ['指标', '权重']]);
  for (const [code, w] of Object.entries(s.scheme.weights)) about.addRow([`${indicatorByCode.get(code)?.name ?? code} (${code})`, w]);
  return Buffer.from(await book.xlsx.writeBuffer());
}
