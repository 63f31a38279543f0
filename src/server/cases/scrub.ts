/**
 * Removes what identifies a person from free text shown to the public (answers, notes): resident ID numbers,
 * mobile and landline numbers, e-mail addresses, bank card numbers and licence plates. Over-masking a number
 * that only looks like a phone is the price of never leaking one.
 */
const patterns: [RegExp, string][] = [
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[邮箱已隐去]'],
  [/(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9])/g, '[证件号已隐去]'],
  [/(?<![0-9])[0-9]{16,19}(?![0-9])/g, '[卡号已隐去]'],
  [/(?<![0-9])(?:\+?86[\s-]?)?1[3-9][0-9](?:[\s-]?[0-9]{4}){2}(?![0-9])/g, '[电话已隐去]'],
  [/(?<![0-9])0[0-9]{2,3}[\s-]?[0-9]{7,8}(?![0-9])/g, '[电话已隐去]'],
  [/[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][·\s-]?[A-Z0-9]{5,6}/g, '[车牌已隐去]'],
];

/** `known` are names the case itself holds (the reporter's): they are masked wherever they appear. */
export function scrubPii(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const name of known) if (name.length >= 2) out = out.split(name).join(`${[...name][0]}*`);
  for (const [re, mask] of patterns) out = out.replace(re, mask);
  return out;
}

/** ~100 m: three decimals of a degree of latitude is 111 m. */
export const roundCoordinate = (v: number) => Math.round(v * 1000) / 1000;
