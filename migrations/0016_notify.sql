-- 0016: reach the citizen — a delivery outbox written by triggers in the transition's own transaction, staff channel preferences, rating-code attempt limits, the 回访 callback queue and the knowledge base (办事指南).

-- 发送队列 One row per message to deliver. Rows are written by the triggers below inside the transaction that
-- moved the case (or raised the alarm), so a notice exists exactly when its cause committed; delivery happens
-- later in a worker, so a channel outage never blocks a transition. No address is stored here: the worker
-- decrypts the recipient's contact at send time, so the outbox holds no PII.
create table notify_outbox (
  id bigint generated always as identity primary key,
  -- reporter: the case's reporter; user: a staff account; robot: every configured group robot; citizen: a one-time code (citizen_otps id)
  recipient_type text not null check (recipient_type in ('reporter', 'user', 'robot', 'citizen')),
  recipient text not null,
  channel text not null check (channel in ('email', 'sms', 'robot')),
  -- template key: case.received, case.dispatched, case.reported, case.closed, case.reopened, staff.notice, alarm.raised
  event text not null,
  case_id uuid references cases (id),
  notification_id bigint references notifications (id),
  params jsonb not null default '{}',
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'dead', 'skipped')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  -- a claimed row is the claimer's until then; a node that died mid-send leaves it to be claimed again
  locked_until timestamptz,
  -- what actually carried it: the configured channel, or the dev outbox in demo mode
  delivered_via text,
  -- the rendered text, kept only for the dev outbox (demo) so it can be read in the console
  subject text,
  body text,
  last_error text,
  created_at timestamptz not null,
  sent_at timestamptz
);
create index notify_outbox_due on notify_outbox (next_attempt_at) where status in ('pending', 'sending');
create index notify_outbox_status on notify_outbox (status, id desc);

-- The reporter hears about receipt, dispatch, the report back, closure and a reopening, on each contact given.
create function notify_case_event() returns trigger language plpgsql as $$
declare
  c record;
  ev text;
begin
  ev := case
    when new.action = 'intake' then 'case.received'
    when new.action = 'dispatch' then 'case.dispatched'
    when new.action = 'report' then 'case.reported'
    when new.action in ('close', 'answer', 'close_with_main') then 'case.closed'
    when new.action = 'rework' then 'case.reopened'
    else null end;
  if ev is null then return new; end if;
  select id, code, reporter_email, reporter_phone into c from cases where id = new.case_id;
  if c.reporter_email is not null then
    insert into notify_outbox (recipient_type, recipient, channel, event, case_id, next_attempt_at, created_at)
    values ('reporter', c.code, 'email', ev, c.id, new.at, new.at);
  end if;
  if c.reporter_phone is not null then
    insert into notify_outbox (recipient_type, recipient, channel, event, case_id, next_attempt_at, created_at)
    values ('reporter', c.code, 'sms', ev, c.id, new.at, new.at);
  end if;
  return new;
end $$;
create trigger case_events_notify after insert on case_events for each row execute function notify_case_event();

-- 通知偏好 how a staff member wants their in-app notifications too (in-app only, or also email / SMS);
-- contacts field-encrypted like every other PII.
create table notify_preferences (
  user_id uuid primary key references users (id),
  channel text not null default 'inapp' check (channel in ('inapp', 'email', 'sms')),
  email text,
  phone text,
  updated_at timestamptz not null
);

-- Staff notices: copies for users who chose email/SMS; red cards also go to the group robots (one per notice:
-- the dispatcher-role copy, so a card to dispatcher and department is one robot message).
create function notify_staff_notice() returns trigger language plpgsql as $$
begin
  if new.recipient_type = 'reporter' then return new; end if;
  insert into notify_outbox (recipient_type, recipient, channel, event, case_id, notification_id, next_attempt_at, created_at)
  select 'user', p.user_id::text, p.channel, 'staff.notice', new.case_id, new.id, new.created_at, new.created_at
  from notify_preferences p join users u on u.id = p.user_id
  where p.channel <> 'inapp' and not u.disabled
    and ((new.recipient_type = 'user' and u.id::text = new.recipient)
      or (new.recipient_type = 'department' and u.department_code = new.recipient)
      or (new.recipient_type = 'role' and new.recipient = any (u.roles)))
    and (new.area_path is null or new.area_path <@ u.scope_path);
  if new.kind = 'case.supervision.red' and new.recipient_type = 'role' then
    insert into notify_outbox (recipient_type, recipient, channel, event, case_id, notification_id, next_attempt_at, created_at)
    values ('robot', '*', 'robot', 'staff.red_card', new.case_id, new.id, new.created_at, new.created_at);
  end if;
  return new;
end $$;
create trigger notifications_notify after insert on notifications for each row execute function notify_staff_notice();

-- A new alarm is a staff alert for the group robots.
create function notify_alarm() returns trigger language plpgsql as $$
begin
  insert into notify_outbox (recipient_type, recipient, channel, event, params, next_attempt_at, created_at)
  values ('robot', '*', 'robot', 'alarm.raised', jsonb_build_object('alarmId', new.id::text, 'type', new.type, 'deviceId', new.device_id::text, 'severity', new.severity), new.raised_at, new.raised_at);
  return new;
end $$;
create trigger alarms_notify after insert on alarms for each row execute function notify_alarm();

-- 评价码 wrong tries per case: the 6-digit code is derived (HMAC of the case id), only failures are stored.
create table rating_code_attempts (
  case_id uuid primary key references cases (id),
  failures integer not null default 0,
  locked_at timestamptz,
  last_at timestamptz not null
);

-- 回访 one row per sampled closure (a case closed twice is called back twice); outcome feeds evaluation:
-- a closure contradicted by its callback (不满意) counts against the unit.
create table callbacks (
  id bigint generated always as identity primary key,
  case_id uuid not null references cases (id),
  -- the closure this callback checks (cases.closed_at at sampling time)
  closed_at timestamptz not null,
  reason text not null check (reason in ('complaint', 'sample', 'unsatisfied')),
  status text not null default 'queued' check (status in ('queued', 'done', 'unreachable')),
  tries integer not null default 0,
  outcome text check (outcome in ('satisfied', 'basically_satisfied', 'unsatisfied', 'unreachable')),
  -- what followed: rated, reopened (返工), supervision (no rework left: to the dispatchers)
  follow_up text,
  note text,
  clerk_id uuid,
  clerk text,
  department_code text,
  area_path ltree not null,
  queued_at timestamptz not null,
  at timestamptz,
  unique (case_id, closed_at)
);
create index callbacks_queue on callbacks (status, queued_at) where status = 'queued';
create index callbacks_area on callbacks using gist (area_path);

-- How far each background scanner has read case_events (the callback sampler), claimed FOR UPDATE per run.
create table notify_cursors (
  name text primary key,
  last_id bigint not null default 0
);
insert into notify_cursors (name, last_id) values ('callbacks', 0);

-- 知识库 / 政务服务事项 one item of the service catalogue; tsv holds jieba-segmented text (title weight A).
create table knowledge_items (
  id uuid primary key default gen_random_uuid(),
  title text not null,
  department_code text references departments (code),
  conditions text not null default '',
  materials text[] not null default '{}',
  steps text[] not null default '{}',
  fees text not null default '',
  time_limit text not null default '',
  location text not null default '',
  online_url text,
  faq jsonb not null default '[]',
  valid_from date,
  valid_to date,
  owner text,
  review_due date,
  published boolean not null default true,
  tsv tsvector not null default ''::tsvector,
  -- times answered by 直接办结 (from case_events payloads, counted at answer time)
  uses integer not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index knowledge_items_tsv on knowledge_items using gin (tsv);
create index knowledge_items_title_trgm on knowledge_items using gin (title gin_trgm_ops);

-- 同义词 a term the public says → the term the catalogue uses (暂住证 → 居住证).
create table knowledge_synonyms (
  term text primary key,
  canonical text not null
);
insert into knowledge_synonyms (term, canonical) values
  ('暂住证', '居住证'), ('户口', '户籍'), ('身份证', '居民身份证'), ('医保', '医疗保险'), ('社保', '社会保险'),
  ('公积金', '住房公积金'), ('驾照', '驾驶证'), ('营业执照', '营业执照'), ('低保', '最低生活保障'),
  ('失业金', '失业保险金'), ('结婚证', '婚姻登记'), ('准生证', '生育登记'), ('退休', '养老保险'), ('落户', '户籍');

-- Which item answered a 直接办结 (the case's answer came from the catalogue): feeds the items' review and use counts.
create table knowledge_answers (
  case_id uuid primary key references cases (id),
  item_id uuid not null references knowledge_items (id) on delete cascade,
  actor text not null,
  at timestamptz not null
);
create index knowledge_answers_item on knowledge_answers (item_id);

-- 照片审核 a photo reaches the public map only after a dispatcher approved it (a face, a plate, a door number).
create table photo_moderation (
  attachment_id uuid primary key references case_attachments (id),
  decision text not null check (decision in ('approved', 'rejected')),
  decided_by text not null,
  decided_at timestamptz not null
);

-- 我的诉求 without an account: a one-time code to the phone (encrypted here, hashed code), rate-limited per phone.
create table citizen_otps (
  id bigint generated always as identity primary key,
  phone_idx text not null,
  phone text not null,
  code_hash text not null,
  -- the code itself, field-encrypted, so the delivery worker can put it in the SMS; cleared once sent
  code_enc text,
  attempts integer not null default 0,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null
);
create index citizen_otps_phone on citizen_otps (phone_idx, created_at desc);
