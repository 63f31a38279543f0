/** The admin console (系统管理): working calendar and its holiday-notice import. [中文, English] */
export const adminMessages = {
  'nav.admin_calendar': ['工作日历', 'Working calendar'],
  'admin.calendar.title': ['工作日历：节假日与调休', 'Working calendar: holidays and make-up workdays'],
  'admin.calendar.hint': ['粘贴国务院办公厅《关于20XX年部分节假日安排的通知》正文，预览识别出的放假与调休上班日期，核对后保存为该年日历（替换该年原有设置）。已有案件的期限不会被改写。', "Paste the State Council's yearly holiday notice, check the holidays and make-up workdays read from it, then save them as that year's calendar (replacing the year). Deadlines of existing cases are never rewritten."],
  'admin.calendar.notice': ['通知正文', 'Notice text'],
  'admin.calendar.preview': ['预览', 'Preview'],
  'admin.calendar.save': ['保存为该年日历', "Save as the year's calendar"],
  'admin.calendar.saved': ['已保存', 'Saved'],
  'admin.calendar.year': ['年份', 'Year'],
  'admin.calendar.date': ['日期', 'Date'],
  'admin.calendar.kind': ['类型', 'Kind'],
  'admin.calendar.name': ['名称', 'Name'],
  'admin.calendar.kind.holiday': ['放假', 'Holiday'],
  'admin.calendar.kind.workday': ['调休上班', 'Make-up workday'],
  'admin.calendar.problems': ['以下条目未能识别，请手工核对', 'These lines could not be read; check them by hand'],
  'admin.calendar.current': ['当前日历', 'Current calendar'],
} as const satisfies Record<string, readonly [string, string]>;
