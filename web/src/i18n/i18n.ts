import { commonMessages } from './messages/common.ts';
import { errorMessages } from './messages/errors.ts';
import { caseMessages } from './messages/cases.ts';
import { registryMessages } from './messages/registry.ts';
import { portalMessages } from './messages/portal.ts';
import { datahallMessages } from './messages/datahall.ts';
import { notifyMessages } from './messages/notify.ts';
import { evaluationMessages } from './messages/evaluation.ts';
import { disputeMessages } from './messages/disputes.ts';
import { participationMessages } from './messages/participation.ts';
import { adminMessages } from './messages/admin.ts';
import { adminSetupMessages } from './messages/admin-setup.ts';
import { deskMessages } from './messages/desk.ts';
import { deviceMessages } from './messages/devices.ts';
import { adminGuardMessages } from './messages/admin-guards.ts';

export type Locale = 'zh-CN' | 'en-US';

/** Every string the UI shows, as [中文, English]; a missing translation is a type error, not a blank. */
export const messages = { ...commonMessages, ...errorMessages, ...caseMessages, ...registryMessages, ...portalMessages, ...datahallMessages, ...notifyMessages, ...evaluationMessages, ...disputeMessages, ...participationMessages, ...adminMessages, ...adminSetupMessages, ...deskMessages, ...deviceMessages, ...adminGuardMessages } as const;
export type MessageKey = keyof typeof messages;

export type Vars = Record<string, string | number>;

function fill(text: string, vars?: Vars): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(messages, key);
}

/** Looks a key up; an unknown key returns itself so a slip shows up on screen instead of an empty label. */
export function translate(locale: Locale, key: string, vars?: Vars): string {
  if (!isMessageKey(key)) return fill(key, vars);
  const pair = messages[key];
  return fill(locale === 'en-US' ? pair[1] : pair[0], vars);
}

interface ErrorLike {
  code?: string;
  status?: number;
  detail?: string;
  message?: string;
  body?: { errors?: { path: string; message: string }[] } | null;
}

/**
 * What the user reads for a failed request: the translation of the problem's code, with the server's detail
 * when no translation exists (so an unexpected error is still explained) and the first invalid field.
 */
export function errorText(locale: Locale, err: unknown): string {
  const e = (err ?? {}) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : '';
  let text: string;
  if (code && isMessageKey(`error.${code}`)) text = translate(locale, `error.${code}`);
  else if (code.endsWith('.not_found')) text = translate(locale, 'error.not_found');
  else {
    const detail = e.detail || e.message || '';
    text = translate(locale, 'error.unknown') + (detail ? `: ${detail}` : '');
  }
  const field = e.body?.errors?.[0];
  if (code === 'request.invalid' && field) text += ` (${field.path}: ${field.message})`;
  return text;
}
