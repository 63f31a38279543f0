import { describe, expect, it } from 'vitest';
import { errorText, messages, translate } from './i18n.ts';

describe('i18n', () => {
  it('is Chinese first, English on request, with variables filled in', () => {
    expect(translate('zh-CN', 'nav.intake')).toBe('受理');
    expect(translate('en-US', 'nav.intake')).toBe('Intake');
    expect(translate('zh-CN', 'common.total', { total: 12 })).toBe('共 12 条');
    expect(translate('en-US', 'intake.done_title', { code: '2026112300001' })).toBe('Recorded as case 2026112300001');
  });

  it('shows an unknown key rather than nothing', () => {
    expect(translate('zh-CN', 'no.such.key')).toBe('no.such.key');
  });

  it('has both languages for every message', () => {
    for (const [key, pair] of Object.entries(messages)) {
      if (key === 'import.phase.idle') continue; // deliberately empty: no progress text before an import
      expect(pair[0], key).not.toBe('');
      expect(pair[1], key).not.toBe('');
    }
  });

  it('turns a problem+json code into a readable message', () => {
    expect(errorText('zh-CN', { status: 401, code: 'auth.invalid_credentials', detail: 'username or password is wrong' })).toBe('用户名或密码错误');
    expect(errorText('en-US', { status: 409, code: 'case.illegal_transition', detail: '…' })).toBe('The case is not in a state that allows this');
    // any *.not_found reads the same
    expect(errorText('zh-CN', { status: 404, code: 'organisation.not_found' })).toBe('找不到该记录，或不在您的管辖范围内');
    // an unknown code still says what the server said
    expect(errorText('en-US', { status: 418, code: 'teapot.brewing', detail: 'short and stout' })).toBe('The request did not succeed: short and stout');
    expect(errorText('zh-CN', { status: 400, code: 'request.invalid', body: { errors: [{ path: 'body.text', message: 'too short' }] } })).toBe('填写的内容格式不正确 (body.text: too short)');
  });
});
