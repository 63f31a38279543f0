import { describe, expect, it } from 'vitest';
import { intakeErrorField } from './intake.ts';
import { focusFirstError, isPlainKey, isSubmitKey, ownsKeys, validOrFocus } from './keys.ts';

/** An element as ownsKeys sees it: its tag, and the selectors its ancestors (or itself) match. */
const el = (tagName: string, inside: string[] = [], isContentEditable = false) => ({
  tagName,
  isContentEditable,
  closest: (selector: string) => (selector.split(',').some((s) => inside.includes(s.trim())) ? {} : null),
});
const key = (k: string, mods: { ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean } = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe('the desk keys', () => {
  it('sends on Ctrl+Enter or ⌘+Enter only, and leaves modified keys to the browser', () => {
    expect([isSubmitKey(key('Enter', { ctrlKey: true })), isSubmitKey(key('Enter', { metaKey: true })), isSubmitKey(key('Enter')), isSubmitKey(key('j', { ctrlKey: true }))]).toEqual([true, true, false, false]);
    expect([isPlainKey(key('d')), isPlainKey(key('d', { altKey: true })), isPlainKey(key('ArrowDown', { ctrlKey: true }))]).toEqual([true, false, false]);
  });

  it('keeps the keys of fields, selects, tabs and dialogs away from a list’s shortcuts', () => {
    for (const tag of ['INPUT', 'TEXTAREA', 'SELECT']) expect(ownsKeys(el(tag)), tag).toBe(true);
    expect(ownsKeys(el('DIV', [], true))).toBe(true);
    expect(ownsKeys(el('BUTTON', ['[role=dialog]']))).toBe(true);
    expect(ownsKeys(el('DIV', ['[role=tablist]']))).toBe(true);
    expect(ownsKeys(el('SPAN', ['.ant-select']))).toBe(true);
    // a table row, a button in the page, the bare page: the list may take the key
    expect([ownsKeys(el('TR')), ownsKeys(el('BUTTON')), ownsKeys(el('BODY')), ownsKeys(null)]).toEqual([false, false, false, false]);
  });

  it('focuses the first field a validation refused, and nothing for any other failure', () => {
    const asked: unknown[] = [];
    const form = { scrollToField: (name: unknown, opts: unknown) => void asked.push([name, opts]) };
    expect(focusFirstError(form, { errorFields: [{ name: ['callerPhone'] }, { name: ['text'] }] })).toBe(true);
    expect(asked).toEqual([[['callerPhone'], { focus: true, block: 'center' }]]);
    expect(focusFirstError(form, new Error('network'))).toBe(false);
    expect(asked).toHaveLength(1);
  });

  it('hands back the values, or null with the focus on the bad field, and lets other failures through', async () => {
    const asked: unknown[] = [];
    const form = (result: () => Promise<{ text: string }>) => ({ validateFields: result, scrollToField: (name: unknown) => void asked.push(name) });
    expect(await validOrFocus(form(async () => ({ text: '路灯不亮' })))).toEqual({ text: '路灯不亮' });
    expect(await validOrFocus(form(() => Promise.reject({ errorFields: [{ name: ['text'] }] })))).toBeNull();
    expect(asked).toEqual([['text']]);
    await expect(validOrFocus(form(() => Promise.reject(new Error('boom'))))).rejects.toThrow('boom');
  });

  it('names the intake field a refusal is about, by code or by the invalid path', () => {
    expect(intakeErrorField('case.bad_phone')).toBe('callerPhone');
    expect(intakeErrorField('case.outside_city')).toBe('address');
    expect(intakeErrorField('request.invalid', 'body.reporter.phone')).toBe('callerPhone');
    expect(intakeErrorField('request.invalid', '/text')).toBe('text');
    expect(intakeErrorField('case.conflict')).toBeNull();
    expect(intakeErrorField(undefined, 'body.channel')).toBeNull();
  });
});
