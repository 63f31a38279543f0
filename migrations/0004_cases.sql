-- 0004: one case model for every appeal and event (一网统管): cases, their transition events, attachments, the daily public-code sequence and notifications.

-- 案件编号 daily sequence: one row per city-local day; `insert … on conflict do update … returning` hands out
-- the next number atomically, so two API nodes never issue the same public code.
create table case_code_days (
  day text primary key check (day ~ '^[0-9]{8}$'),
  last_no integer not null
);

-- 案件 one row per appeal or event whatever the channel. Volume: a big city adds ~60k rows a day; the public
-- code starts with the date and created_at is indexed, so range partitioning by month can be introduced later
-- without changing queries (kept unpartitioned here because the unique code would have to include the key).
create table cases (
  id uuid primary key default gen_random_uuid(),
  code text not null unique check (code ~ '^[0-9]{13}$'),
  channel text not null check (channel in ('hotline', 'web', 'app', 'gridworker', 'iot', 'api', 'open311')),
  state text not null check (state in ('received', 'filed', 'dispatched', 'handling', 'extension_requested', 'parked', 'reported',
    'checked', 'closed', 'rated', 'rejected', 'returned', 'void', 'merged')),
  -- optimistic concurrency: every transition updates `where version = <read version>`; the loser gets 409
  version integer not null default 1,
  text text not null,
  -- the text as space-separated characters: pg_trgm only sees "words", and Chinese has no spaces
  dup_text text not null default '',
  nature text,
  category text,
  priority smallint not null default 3 check (priority between 1 and 4),
  urgent boolean not null default false,
  lon double precision,
  lat double precision,
  address text,
  grid_code text references areas (code),
  -- data scope: the grid's path, or the city root when the place is unknown
  area_path ltree not null,
  h3 text,
  reporter_anonymous boolean not null default true,
  -- field-encrypted contacts (AES-GCM); the blind index finds "all appeals from this phone"
  reporter_name text,
  reporter_phone text,
  reporter_phone_idx text,
  reporter_email text,
  -- SHA-256 of the secret the reporter got at intake to rate without an account
  rating_token_hash text,
  external_ref text,
  main_department text references departments (code),
  co_departments text[] not null default '{}',
  dispatched_at timestamptz,
  -- 处置时限: allowed hours (taxonomy + approved extensions), counted in working or clock hours
  deadline_hours double precision,
  working_time boolean,
  due_at timestamptz,
  -- the 80 % mark of the allowed time: a yellow card from here
  yellow_at timestamptz,
  step_due_at timestamptz,
  -- set while the clock stands still (parked, waiting for an extension decision, handed back for checking)
  paused_since timestamptz,
  paused_ms bigint not null default 0,
  pending_extension_hours double precision,
  supervision text not null default 'none' check (supervision in ('none', 'yellow', 'red')),
  merged_into uuid references cases (id),
  answer text,
  rating text check (rating in ('satisfied', 'basically_satisfied', 'unsatisfied')),
  rating_comment text,
  rated_at timestamptz,
  rework_count integer not null default 0,
  rating_rework_used boolean not null default false,
  created_by uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  closed_at timestamptz
);
create index cases_state on cases (state);
create index cases_category_created on cases (category, created_at);
create index cases_area_gist on cases using gist (area_path);
create index cases_created on cases (created_at);
create index cases_lat_lon on cases (lat, lon);
create index cases_department_state on cases (main_department, state);
create index cases_merged_into on cases (merged_into) where merged_into is not null;
create index cases_reporter_phone on cases (reporter_phone_idx) where reporter_phone_idx is not null;
-- what the supervision sweeper scans: running clocks that have not reached the red card yet
create index cases_sweep on cases (yellow_at) where supervision <> 'red' and due_at is not null and paused_since is null;

-- 案件流转记录 every transition with who, when, why and the evidence; each also goes to the audit chain.
create table case_events (
  id bigint generated always as identity primary key,
  case_id uuid not null references cases (id),
  at timestamptz not null,
  actor_id uuid,
  actor text not null,
  action text not null,
  from_state text,
  to_state text not null,
  reason text,
  attachments uuid[] not null default '{}',
  payload jsonb not null default '{}'
);
create index case_events_case on case_events (case_id, id);

-- 附件 photos and documents. The original stays private; images get a public copy without EXIF/GPS.
create table case_attachments (
  id uuid primary key default gen_random_uuid(),
  case_id uuid not null references cases (id),
  kind text not null check (kind in ('photo', 'document')),
  content_type text not null,
  size_bytes integer not null,
  sha256 text not null,
  file_name text not null,
  storage_key text not null,
  public_key text,
  location_stripped boolean not null default false,
  uploaded_by uuid,
  uploaded_by_name text not null,
  created_at timestamptz not null
);
create index case_attachments_case on case_attachments (case_id, created_at);

-- 通知 to a user, a department, a role, or a case's reporter (delivered by SMS/app push outside this table).
create table notifications (
  id bigint generated always as identity primary key,
  recipient_type text not null check (recipient_type in ('user', 'department', 'role', 'reporter')),
  recipient text not null,
  case_id uuid references cases (id),
  area_path ltree,
  kind text not null,
  title text not null,
  body text not null default '',
  read_at timestamptz,
  created_at timestamptz not null
);
create index notifications_recipient on notifications (recipient_type, recipient, id desc);
create index notifications_case on notifications (case_id);
