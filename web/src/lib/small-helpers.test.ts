import { describe, expect, it } from 'vitest';
import { parseSseChunk } from '../api/live.ts';
import { queryString, toApiError } from '../api/client.ts';
import { countsInOrder, hotspotColor } from './dashboard.ts';
import { importProgress } from './import-progress.ts';
import { intakeBody } from './intake.ts';

describe('API helpers', () => {
  it('builds query strings without the empty filters', () => {
    expect(queryString({ state: 'received,filed', category: undefined, grid: '', urgent: false, page: 2 })).toBe('?state=received%2Cfiled&urgent=false&page=2');
    expect(queryString({ tag: ['a', 'b'] })).toBe('?tag=a&tag=b');
    expect(queryString({})).toBe('');
  });

  it('turns any failure into an error with a code', () => {
    const e = toApiError(409, { type: 't', title: 'Conflict', status: 409, detail: 'case is closed', code: 'case.illegal_transition' });
    expect([e.status, e.code, e.detail]).toEqual([409, 'case.illegal_transition', 'case is closed']);
    expect(toApiError(502, '<html>Bad gateway</html>').code).toBe('server.error');
    expect(toApiError(404, null).code).toBe('request.error');
  });

  it('splits a server-sent event stream, keeping a partial event for the next chunk', () => {
    const { events, rest } = parseSseChunk(': connected\n\nid: 1\nevent: case\ndata: {"code":"1"}\n\nevent: case\ndata: {"co');
    expect(events).toEqual([{ event: 'case', data: '{"code":"1"}' }]);
    expect(rest).toBe('event: case\ndata: {"co');
  });
});

describe('form and progress helpers', () => {
  it("sends an anonymous caller's appeal without any contact", () => {
    expect(intakeBody({ text: ' 路灯坏了 ', anonymous: true, callerPhone: '13800000000' }, [120.5, 31.1])).toEqual({ channel: 'hotline', text: '路灯坏了', lon: 120.5, lat: 31.1, reporter: { anonymous: true } });
    expect(intakeBody({ text: '咨询', callerPhone: '138 0000 0000', nature: 'consult' }, null)).toEqual({ channel: 'hotline', text: '咨询', nature: 'consult', reporter: { phone: '13800000000' } });
  });

  it('moves one progress bar through upload, validation and import', () => {
    expect(importProgress(null, 0.5)).toMatchObject({ phase: 'upload', percent: 5, running: true });
    expect(importProgress({ state: 'validating', processedRows: 50, totalRows: 100 }, null)).toMatchObject({ phase: 'validating', percent: 33 });
    expect(importProgress({ state: 'importing', processedRows: 100, totalRows: 100 }, null)).toMatchObject({ percent: 100, running: true });
    expect(importProgress({ state: 'failed', processedRows: 3, totalRows: 3 }, null)).toMatchObject({ status: 'exception', running: false });
  });

  it('keeps chart series in a fixed order and shades hotspots', () => {
    expect(countsInOrder([{ state: 'filed', n: 2 }], ['received', 'filed'])).toEqual([0, 2]);
    expect(hotspotColor(10, 10)).toBe('#8b0000');
    expect(hotspotColor(1, 10)).toBe('#f5b041');
    expect(hotspotColor(0, 0)).toBe('#f5b041');
  });
});
