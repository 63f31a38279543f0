import { describe, expect, it } from 'vitest';
import { chinaHolidays2026 } from './holidays-cn.ts';
import { parseHolidayNotice } from './holiday-notice.ts';

// the wording of the real notices (国办发明电), as cities paste them from gov.cn
const notice2025 = `国务院办公厅关于2025年部分节假日安排的通知
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
经国务院批准，现将2025年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作。
国务院办公厅
2024年11月12日`;

const notice2026 = `国务院办公厅关于2026年部分节假日安排的通知
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
国务院办公厅`;

const dates = (days: { date: string; kind: string }[], kind: string) => days.filter((d) => d.kind === kind).map((d) => d.date);

describe('the State Council holiday notice (部分节假日安排的通知)', () => {
  it('reads 2025: single days, ranges across months, make-up workdays, joint festivals', () => {
    const parsed = parseHolidayNotice(notice2025);
    expect(parsed.year).toBe(2025);
    expect(parsed.problems).toEqual([]);
    expect(dates(parsed.days, 'holiday')).toHaveLength(1 + 8 + 3 + 5 + 3 + 8);
    expect(dates(parsed.days, 'holiday')).toContain('2025-02-04');
    expect(dates(parsed.days, 'holiday')).toEqual(expect.arrayContaining(['2025-05-31', '2025-06-01', '2025-06-02']));
    expect(dates(parsed.days, 'workday')).toEqual(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']);
    expect(parsed.days.find((d) => d.date === '2025-10-08')?.name).toBe('国庆节、中秋节');
    expect(parsed.days.find((d) => d.date === '2025-04-27')?.name).toBe('劳动节调休上班');
  });

  it('reads 2026 into exactly the calendar the product ships for that year', () => {
    const parsed = parseHolidayNotice(notice2026);
    expect(parsed.problems).toEqual([]);
    const shipped = [...chinaHolidays2026].sort((a, b) => a.date.localeCompare(b.date));
    expect(parsed.days).toEqual(shipped);
  });

  it('takes the year from the caller, and a cross-year 元旦 with its own year', () => {
    const parsed = parseHolidayNotice('一、元旦：2022年12月31日（周六）至2023年1月2日（周一）放假调休，共3天。', 2023);
    expect(dates(parsed.days, 'holiday')).toEqual(['2022-12-31', '2023-01-01', '2023-01-02']);
  });

  it('reports lines it cannot read instead of guessing', () => {
    const parsed = parseHolidayNotice(
      ['一、元旦：1月1日（周四）至3日（周六）放假调休，共4天。', '二、春节：2月30日放假1天。', '三、清明节：另行通知。'].join('\n'),
      2026,
    );
    expect(parsed.days).toEqual([]);
    expect(parsed.problems.map((p) => p.reason)).toEqual(['day_count_mismatch', 'bad_date', 'no_dates']);
  });
});
