-- 0017: 矛盾纠纷排查化解 (disputes as a case subtype, screening rounds), 风险监测预警 (warnings) and the grid worker's field work (patrols, visits).

-- 矛盾纠纷 one row per dispute, hung on its case (same front door, timeline, deadlines and supervision).
-- area_path is copied from the case so the register (台账) is scoped and filtered without a join.
create table disputes (
  id uuid primary key default gen_random_uuid(),
  case_id uuid not null unique references cases (id),
  type text not null check (type in ('neighbour', 'family', 'property', 'labour', 'land', 'consumer', 'medical', 'other')),
  risk_level text not null check (risk_level in ('low', 'medium', 'high')),
  state text not null check (state in ('registered', 'mediating', 'agreed', 'handed_over')),
  mediator_kind text not null check (mediator_kind in ('people_mediator', 'gridworker', 'police', 'judicial')),
  mediator_name text not null,
  summary text not null,
  area_path ltree not null,
  grid_code text references areas (code),
  outcome text check (outcome in ('agreement', 'handover')),
  agreement_text text,
  agreement_attachment uuid references case_attachments (id),
  -- 诉调对接 court, 访调对接 petition office, 警调对接 police
  handover_to text check (handover_to in ('court', 'petition', 'police')),
  receiving_body text,
  outcome_at timestamptz,
  last_session_at timestamptz,
  reopen_count integer not null default 0,
  created_by uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check ((outcome = 'agreement') = (agreement_text is not null)),
  check ((outcome = 'handover') = (handover_to is not null and receiving_body is not null))
);
create index disputes_area_gist on disputes using gist (area_path);
create index disputes_created on disputes (created_at);
-- the stale-dispute scan: high risk, still open
create index disputes_open_high on disputes (last_session_at) where risk_level = 'high' and state in ('registered', 'mediating');

-- 当事人 a party is a registry person or organisation by id, or a new person whose PII is sealed like the registry's.
create table dispute_parties (
  id uuid primary key default gen_random_uuid(),
  dispute_id uuid not null references disputes (id) on delete cascade,
  role text not null check (role in ('applicant', 'respondent', 'other')),
  person_id uuid references people (id),
  organisation_id uuid references organisations (id),
  name_sealed text,
  name_mask text not null,
  phone_sealed text,
  phone_bidx text,
  phone_mask text,
  id_number_sealed text,
  id_number_bidx text,
  id_number_mask text,
  check (person_id is null or organisation_id is null)
);
create index dispute_parties_dispute on dispute_parties (dispute_id);
create index dispute_parties_phone on dispute_parties (phone_bidx) where phone_bidx is not null;
create index dispute_parties_id_number on dispute_parties (id_number_bidx) where id_number_bidx is not null;

-- 调解记录 mediation sessions; attachments are the case's own attachments (uploaded through the case).
create table dispute_sessions (
  id uuid primary key default gen_random_uuid(),
  dispute_id uuid not null references disputes (id) on delete cascade,
  held_at timestamptz not null,
  place text not null,
  attendees text[] not null default '{}',
  minutes text not null,
  attachments uuid[] not null default '{}',
  recorded_by uuid,
  recorded_by_name text not null,
  created_at timestamptz not null
);
create index dispute_sessions_dispute on dispute_sessions (dispute_id, held_at);

-- 回访 follow-up visits after an agreement, due at set intervals; done_at marks one made.
create table dispute_followups (
  id uuid primary key default gen_random_uuid(),
  dispute_id uuid not null references disputes (id) on delete cascade,
  due_at timestamptz not null,
  done_at timestamptz,
  result text check (result in ('stable', 'flaring')),
  note text not null default '',
  done_by_name text,
  check ((done_at is null) = (result is null))
);
create index dispute_followups_due on dispute_followups (due_at) where done_at is null;

-- 排查 screening rounds: one per grid and period (a month `2026-11`, or a holiday `holiday:2027-01-01`).
create table screening_rounds (
  id uuid primary key default gen_random_uuid(),
  grid_code text not null references areas (code),
  area_path ltree not null,
  period text not null,
  nothing_found boolean not null,
  note text not null default '',
  dispute_ids uuid[] not null default '{}',
  recorded_by uuid,
  recorded_by_name text not null,
  recorded_at timestamptz not null,
  unique (grid_code, period)
);
create index screening_rounds_area_gist on screening_rounds using gist (area_path);

-- 预警 warnings raised by the risk scan. One open warning per (kind, key): a matching new case updates it.
create table warnings (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('cluster', 'mass_org', 'repeat_caller', 'stale_dispute')),
  key text not null,
  level text not null check (level in ('yellow', 'orange', 'red')),
  status text not null check (status in ('open', 'acknowledged', 'assigned', 'resolved', 'dismissed')),
  area_path ltree not null,
  h3 text,
  category text,
  count integer not null,
  baseline double precision,
  explanation text not null,
  case_ids uuid[] not null default '{}',
  assignee_id uuid,
  assignee_name text,
  reason text,
  opened_at timestamptz not null,
  updated_at timestamptz not null,
  closed_at timestamptz
);
create unique index warnings_open_key on warnings (kind, key) where status in ('open', 'acknowledged', 'assigned');
create index warnings_area_gist on warnings using gist (area_path);

-- 巡查 patrols. Track points exist only between start and stop, and are deleted after the retention period.
create table patrols (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null,
  user_name text not null,
  grid_code text references areas (code),
  area_path ltree not null,
  started_at timestamptz not null,
  stopped_at timestamptz,
  distance_m double precision not null default 0,
  point_count integer not null default 0,
  tracks_purged_at timestamptz,
  note text not null default ''
);
create index patrols_user on patrols (user_id, started_at);
create index patrols_area_gist on patrols using gist (area_path);
create table patrol_points (
  id bigint generated always as identity primary key,
  patrol_id uuid not null references patrols (id) on delete cascade,
  at timestamptz not null,
  lon double precision not null,
  lat double precision not null,
  accuracy_m double precision
);
create index patrol_points_patrol on patrol_points (patrol_id, at);
-- events reported on the way (上报 during a patrol) are cases; this links them to the patrol
create table patrol_cases (
  patrol_id uuid not null references patrols (id) on delete cascade,
  case_id uuid not null references cases (id),
  primary key (patrol_id, case_id)
);

-- 走访 visits of special-care people (on their visitCycleDays) and houses.
create table visits (
  id uuid primary key default gen_random_uuid(),
  person_id uuid references people (id) on delete cascade,
  house_id uuid references houses (id) on delete cascade,
  grid_code text not null references areas (code),
  area_path ltree not null,
  visited_at timestamptz not null,
  visited_by uuid,
  visited_by_name text not null,
  note text not null default '',
  check ((person_id is null) <> (house_id is null))
);
create index visits_person on visits (person_id, visited_at) where person_id is not null;
create index visits_house on visits (house_id, visited_at) where house_id is not null;
create index visits_area_gist on visits using gist (area_path);
