import { describe, expect, it } from 'vitest';
import { mapHeaders, rowInput } from './columns.ts';
import type { Cell, Sheet } from './parse.ts';

const sheet = (headers: string[], ...rows: Cell[][]): Sheet => ({
  headers,
  rows: rows.map((r, i) => ({ row: i + 2, cells: new Map(headers.map((h, j) => [h, r[j] ?? null])) })),
});

describe('import columns', () => {
  it('accepts API field names and the Chinese headers of city spreadsheets, ignoring 序号', () => {
    const s = sheet(['序号', '人口类别', '姓名', 'idNumber', '手机号码', '网格编码', '特殊人群', '出生日期'], [1, '户籍人口', '张三', '110105194912310021', 13800138000, '990102001001001', '独居老人、残疾人', new Date(Date.UTC(1949, 11, 31))]);
    const mapped = mapHeaders('people', s);
    expect(mapped.errors).toEqual([]);
    expect(rowInput('people', mapped, s.rows[0]!)).toEqual({
      input: expect.objectContaining({ kind: 'registered', name: '张三', idNumber: '110105194912310021', phone: '13800138000', gridCode: '990102001001001', tags: ['lone_elderly', 'disabled'], birthDate: '1949-12-31' }),
    });
  });

  it('reports an unknown or doubled column on the header row instead of dropping it', () => {
    const mapped = mapHeaders('people', sheet(['姓名', '身高', 'name']));
    expect(mapped.errors).toEqual([
      { row: 1, column: '身高', reason: expect.stringMatching(/^unknown column/), code: 'registry.import.unknown_column', params: { expected: expect.stringContaining('身份证号') } },
      { row: 1, column: 'name', reason: 'the same field as column 姓名', code: 'registry.import.duplicate_column', params: { other: '姓名' } },
    ]);
  });

  it('names the cell that is wrong, with the header as the user wrote it', () => {
    const s = sheet(['地址', '是否出租', '经度', '纬度'], ['幸福路1号', '也许', 'east', 30.1], ['幸福路2号', '是', 120.1, null]);
    const mapped = mapHeaders('houses', s);
    expect(rowInput('houses', mapped, s.rows[0]!)).toEqual({
      errors: [
        { row: 2, column: '是否出租', reason: 'write 是 or 否', code: 'registry.import.yes_or_no' },
        { row: 2, column: '经度', reason: 'not a number', code: 'registry.import.not_a_number' },
      ],
    });
    // lon without lat fails the same pairing rule as the API
    expect(rowInput('houses', mapped, s.rows[1]!)).toEqual({ errors: [{ row: 3, column: '纬度', reason: 'give lon and lat together', code: 'registry.import.lon_lat_pair' }] });
  });

  it('refuses an 18-digit number cell: the spreadsheet has already rounded it', () => {
    const s = sheet(['组织类别', '名称', '统一社会信用代码', '网格编码'], ['企业', '某公司', '91350100M000100Y43', 990102001001001]);
    expect(rowInput('organisations', mapHeaders('organisations', s), s.rows[0]!)).toEqual({ input: expect.objectContaining({ kind: 'enterprise', gridCode: '990102001001001' }) });
    const people = sheet(['类别', '姓名', '身份证号'], ['户籍人口', '李四', 110105194912310021]);
    expect(rowInput('people', mapHeaders('people', people), people.rows[0]!)).toEqual({
      errors: [{ row: 2, column: '身份证号', reason: expect.stringMatching(/stored as a number and lost digits/), code: 'registry.import.digits_lost' }],
    });
  });

  it('gives a schema rule its code: an unknown enum value, a too-long text, a bad grid code', () => {
    const s = sheet(['kind', 'name', 'idNumber', 'gridCode'], ['martian', '张三', '110105194912310021', '990102001001001'], ['registered', '张'.repeat(51), '110105194912310021', '12345']);
    const mapped = mapHeaders('people', s);
    expect(rowInput('people', mapped, s.rows[0]!)).toEqual({ errors: [expect.objectContaining({ row: 2, column: 'kind', code: 'registry.import.unknown_value', params: { value: 'martian', allowed: '户籍人口/流动人口/境外人员' } })] });
    expect(rowInput('people', mapped, s.rows[1]!)).toEqual({
      errors: [expect.objectContaining({ column: 'name', code: 'registry.import.too_long', params: { max: 50 } }), expect.objectContaining({ column: 'gridCode', code: 'registry.import.bad_grid_code' })],
    });
  });

  it('maps component classes by name and says which field is missing', () => {
    const s = sheet(['部件类别', '状态', '经度', '纬度'], ['垃圾箱', '破损', 120.1, 30.1], [null, '完好', 120.1, 30.1]);
    const mapped = mapHeaders('components', s);
    expect(rowInput('components', mapped, s.rows[0]!)).toEqual({ input: expect.objectContaining({ classCode: '0303', state: 'damaged' }) });
    expect(rowInput('components', mapped, s.rows[1]!)).toEqual({ errors: [{ row: 3, column: '部件类别', reason: 'required', code: 'registry.import.required' }] });
  });
});
