import { describe, expect, it } from 'vitest';
import { roundCoordinate, scrubPii } from './scrub.ts';

describe('public PII scrubbing', () => {
  it('masks ID numbers, phones, emails, cards and plates inside Chinese text', () => {
    const text = '联系张先生13812345678或0571-87654321，身份证11010519491231002X，邮箱zhang.san@example.com，卡号6222021234567890123，车牌浙A12345。';
    const out = scrubPii(text);
    for (const leaked of ['13812345678', '87654321', '11010519491231002X', 'zhang.san@example.com', '6222021234567890123', '浙A12345']) expect(out).not.toContain(leaked);
    expect(out).toContain('[电话已隐去]');
    expect(out).toContain('[证件号已隐去]');
  });

  it('catches phones written with spaces or a country code', () => {
    expect(scrubPii('电话 138 1234 5678')).not.toMatch(/5678/);
    expect(scrubPii('电话+86 13812345678')).not.toMatch(/13812345678/);
  });

  it('leaves ordinary numbers and dates alone', () => {
    expect(scrubPii('幸福路12号，2026年11月23日，3棵树')).toBe('幸福路12号，2026年11月23日，3棵树');
  });

  it('rounds coordinates to about 100 m', () => {
    expect(roundCoordinate(120.123456)).toBe(120.123);
    expect(roundCoordinate(31.0006)).toBe(31.001);
  });
});

describe('known names', () => {
  it('masks the reporter’s own name wherever the answer repeats it', () => {
    expect(scrubPii('已联系李四确认，李四表示满意', ['李四'])).toBe('已联系李*确认，李*表示满意');
  });
});
