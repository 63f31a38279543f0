import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { loadTaxonomy } from '../taxonomy/taxonomy.ts';
import { renderErrors, renderList, renderObject, splitFormat } from './format.ts';
import { publicAddress, publicText, requestStatus } from './presenters.ts';
import { checkAttributes, isSensitive, presentDefinition } from './catalogue.ts';

const taxonomy = loadTaxonomy();
const parse = (xml: string) => new XMLParser({ isArray: (n) => ['error', 'request', 'attribute', 'value'].includes(n), parseTagValue: false }).parse(xml);

describe('Open311 documents', () => {
  it('renders lists as bare JSON arrays and as XML with the spec element names', () => {
    const rows = [{ service_request_id: '2026112300001', lat: 31.05, media_url: null, note: 'a < b & c' }];
    expect(JSON.parse(renderList('json', 'service_requests', 'request', rows))).toEqual(rows);
    const xml = renderList('xml', 'service_requests', 'request', rows);
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    expect(parse(xml).service_requests.request[0]).toEqual({ service_request_id: '2026112300001', lat: '31.05', media_url: '', note: 'a < b & c' });
    expect(parse(renderList('xml', 'service_requests', 'request', [])).service_requests).toBe('');
  });

  it('renders errors and nested lists (service definition values)', () => {
    expect(JSON.parse(renderErrors('json', [{ code: 400, description: 'bad' }]))).toEqual([{ code: 400, description: 'bad' }]);
    expect(parse(renderErrors('xml', [{ code: 403, description: 'no key' }])).errors.error).toEqual([{ code: '403', description: 'no key' }]);
    const def = presentDefinition(taxonomy.category('0502')!);
    const json = JSON.parse(renderObject('json', 'service_definition', def));
    expect(json.attributes[0].values[2]).toEqual({ key: '3', name: expect.any(String) });
    const xml = parse(renderObject('xml', 'service_definition', def));
    expect(xml.service_definition.attributes.attribute[0].values.value).toHaveLength(3);
  });

  it('splits the format suffix', () => {
    expect(splitFormat('0101.json')).toEqual({ name: '0101', format: 'json' });
    expect(splitFormat('0101.XML')).toEqual({ name: '0101', format: 'xml' });
    expect(splitFormat('0101')).toEqual({ name: '0101', format: 'json' });
    expect(splitFormat('0101.csv')).toBeNull();
  });
});

describe('what Open311 shows', () => {
  it('maps case states to open/closed', () => {
    expect(['received', 'handling', 'reported', 'checked', 'returned'].map(requestStatus)).toEqual(['open', 'open', 'open', 'open', 'open']);
    expect(['closed', 'rated', 'rejected', 'void', 'merged'].map(requestStatus)).toEqual(['closed', 'closed', 'closed', 'closed', 'closed']);
  });

  it('keeps private matters and whistle-blowing out of public text', () => {
    expect(isSensitive('0101', 'complaint')).toBe(false);
    expect(isSensitive('1501', 'help')).toBe(true);
    expect(isSensitive('1902', 'complaint')).toBe(true);
    expect(isSensitive('0103', 'report')).toBe(true);
    expect(isSensitive(null, null)).toBe(true);
  });

  it('drops flat numbers from addresses and the reporter name from text', () => {
    expect(publicAddress('幸福路88号3单元502室')).toBe('幸福路88号');
    expect(publicAddress('人民路与建设街交叉口')).toBe('人民路与建设街交叉口');
    expect(publicAddress('阳光小区5栋')).toBe('阳光小区');
    expect(publicText('我是张三，电话13812345678', '张三')).toBe('我是某某，电话[电话已隐去]');
  });

  it('checks attributes against the definition', () => {
    const manhole = taxonomy.category('0502')!;
    expect(checkAttributes(manhole, { severity: '3', danger_to_people: 'no' })).toBeNull();
    expect(checkAttributes(manhole, { severity: '3' })).toMatch(/danger_to_people/);
    expect(checkAttributes(manhole, { severity: '3', danger_to_people: 'maybe' })).toMatch(/one of/);
    expect(checkAttributes(manhole, { severity: ['1', '2'], danger_to_people: 'no' })).toMatch(/one value/);
    expect(checkAttributes(taxonomy.category('0301')!, { observed_at: 'last night' })).toMatch(/ISO 8601/);
  });
});
