import { describe, expect, it } from 'vitest';
import { stripFillers } from './fillers.ts';

describe('stripFillers', () => {
  it('drops interjections and clause-initial discourse fillers', () => {
    expect(stripFillers('喂，你好，嗯，就是说，我们小区那个路灯坏了')).toBe('我们小区那个路灯坏了');
  });

  it('keeps a demonstrative that belongs to the sentence', () => {
    expect(stripFillers('那个路灯坏了三天了')).toBe('路灯坏了三天了');
    expect(stripFillers('楼下那个垃圾桶满了')).toBe('楼下那个垃圾桶满了');
  });

  it('collapses stutters', () => {
    expect(stripFillers('我我我家楼下漏水')).toBe('我家楼下漏水');
  });
});
