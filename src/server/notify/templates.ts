/**
 * One template per event, in zh and en. A notice names the case by its public code and carries only what the
 * recipient already owns (their own case's answer and rating code), never another person's data.
 */
export type NotifyEvent = 'case.received' | 'case.dispatched' | 'case.reported' | 'case.closed' | 'case.reopened' | 'staff.notice' | 'staff.red_card' | 'alarm.raised' | 'citizen.otp';
export type Locale = 'zh' | 'en';

export interface TemplateInput {
  caseCode?: string;
  ratingCode?: string;
  answer?: string | null;
  /** link to the phone-friendly case page (with the rating form after closure) */
  caseUrl?: string;
  /** a staff notice's title, or an alarm's description */
  title?: string;
  /** a one-time code for 我的诉求 */
  otp?: string;
}

export interface Rendered {
  subject: string;
  text: string;
}

type Template = (v: TemplateInput) => Rendered;

const zh: Record<NotifyEvent, Template> = {
  'case.received': (v) => ({
    subject: `您的诉求已受理（${v.caseCode}）`,
    text: `您的诉求已受理，编号 ${v.caseCode}。办结后可凭评价码 ${v.ratingCode} 评价。查询进度：${v.caseUrl}`,
  }),
  'case.dispatched': (v) => ({ subject: `您的诉求已派遣办理（${v.caseCode}）`, text: `您的诉求 ${v.caseCode} 已派遣至承办单位办理。进度：${v.caseUrl}` }),
  'case.reported': (v) => ({ subject: `您的诉求已处置（${v.caseCode}）`, text: `承办单位已反馈 ${v.caseCode} 的处置结果，正在核查。进度：${v.caseUrl}` }),
  'case.closed': (v) => ({
    subject: `您的诉求已办结（${v.caseCode}）`,
    text: `您的诉求 ${v.caseCode} 已办结。答复：${v.answer ?? '见案件页面'}\n请评价办理结果（评价码 ${v.ratingCode}）：${v.caseUrl}`,
  }),
  'case.reopened': (v) => ({ subject: `您的诉求已重新办理（${v.caseCode}）`, text: `您的诉求 ${v.caseCode} 已退回承办单位重新办理。进度：${v.caseUrl}` }),
  'staff.notice': (v) => ({ subject: `【CivicGrid】${v.title}`, text: `${v.title}${v.caseUrl ? `\n${v.caseUrl}` : ''}` }),
  'staff.red_card': (v) => ({ subject: `【红牌督办】${v.caseCode}`, text: `红牌督办：案件 ${v.caseCode} 已超期。${v.title ?? ''}` }),
  'alarm.raised': (v) => ({ subject: '【物联告警】', text: `物联告警：${v.title}` }),
  'citizen.otp': (v) => ({ subject: '验证码', text: `您查询“我的诉求”的验证码是 ${v.otp}，10分钟内有效。如非本人操作请忽略。` }),
};

const en: Record<NotifyEvent, Template> = {
  'case.received': (v) => ({
    subject: `Your report was received (${v.caseCode})`,
    text: `Your report was received as ${v.caseCode}. Once closed, rate the answer with rating code ${v.ratingCode}. Track it: ${v.caseUrl}`,
  }),
  'case.dispatched': (v) => ({ subject: `Your report was dispatched (${v.caseCode})`, text: `Your report ${v.caseCode} was sent to the responsible unit. Track it: ${v.caseUrl}` }),
  'case.reported': (v) => ({ subject: `Your report was handled (${v.caseCode})`, text: `The unit reported back on ${v.caseCode}; it is being checked. Track it: ${v.caseUrl}` }),
  'case.closed': (v) => ({
    subject: `Your report was closed (${v.caseCode})`,
    text: `Your report ${v.caseCode} was closed. Answer: ${v.answer ?? 'see the case page'}\nPlease rate it (rating code ${v.ratingCode}): ${v.caseUrl}`,
  }),
  'case.reopened': (v) => ({ subject: `Your report was reopened (${v.caseCode})`, text: `Your report ${v.caseCode} went back to the unit to be handled again. Track it: ${v.caseUrl}` }),
  'staff.notice': (v) => ({ subject: `[CivicGrid] ${v.title}`, text: `${v.title}${v.caseUrl ? `\n${v.caseUrl}` : ''}` }),
  'staff.red_card': (v) => ({ subject: `[Red card] ${v.caseCode}`, text: `Red card: case ${v.caseCode} is overdue. ${v.title ?? ''}` }),
  'alarm.raised': (v) => ({ subject: '[IoT alarm]', text: `IoT alarm: ${v.title}` }),
  'citizen.otp': (v) => ({ subject: 'Verification code', text: `Your code for "my reports" is ${v.otp}, valid for 10 minutes. Ignore this if you did not ask for it.` }),
};

export const notifyEvents = Object.keys(zh) as NotifyEvent[];

export function render(event: NotifyEvent, locale: Locale, v: TemplateInput): Rendered {
  return (locale === 'en' ? en : zh)[event](v);
}
