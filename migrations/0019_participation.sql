-- 0019: 协商议事 participation (after Decidim/CONSUL): residents verified against the base registry take part in consultations, polls, proposals and conventions of their own area, and the public can follow what came of it.

-- A space belongs to an area (city … grid); the staff whose scope covers that area run it. responsible_unit is
-- the unit that must answer proposals crossing the threshold (their answers feed its evaluation).
create table participation_spaces (
  id uuid primary key default gen_random_uuid(),
  area_code text not null references areas (code),
  area_path ltree not null,
  title text not null,
  description text not null default '',
  responsible_unit text references departments (code),
  support_threshold integer not null default 20 check (support_threshold > 0),
  answer_days integer not null default 15 check (answer_days > 0),
  created_by uuid references users (id),
  created_at timestamptz not null default now()
);
create index participation_spaces_area on participation_spaces using gist (area_path);

-- A verified resident: one account per person (the blind index of the ID number, never the number itself).
-- The area is not copied: it is read from the person's register entry, so a move is followed.
create table participation_residents (
  id uuid primary key default gen_random_uuid(),
  person_id uuid not null references people (id) on delete cascade,
  id_number_bidx text not null unique,
  -- what public pages show: a chosen nickname or the masked name (王**), never the real name
  display_name text not null,
  verified_by text not null check (verified_by in ('phone', 'staff')),
  verifier_user_id uuid references users (id),
  verified_at timestamptz not null,
  created_at timestamptz not null default now()
);

-- One-time phone codes (only a digest is kept) and resident sessions (only a digest of the bearer).
create table participation_codes (
  id uuid primary key default gen_random_uuid(),
  id_number_bidx text not null,
  code_hash text not null,
  expires_at timestamptz not null,
  attempts integer not null default 0,
  used_at timestamptz,
  created_at timestamptz not null
);
create index participation_codes_person on participation_codes (id_number_bidx, created_at desc);

create table participation_sessions (
  token_hash text primary key,
  resident_id uuid not null references participation_residents (id) on delete cascade,
  created_at timestamptz not null,
  expires_at timestamptz not null
);
create index participation_sessions_resident on participation_sessions (resident_id);

-- Demo mode only: messages the code sender would have sent, readable by admins (until the notification outbox lands).
create table participation_dev_outbox (
  id bigint generated always as identity primary key,
  phone_mask text not null,
  body text not null,
  created_at timestamptz not null
);

-- 议事 consultations. The state is derived from the timetable and the clock, never stored.
create table participation_consultations (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references participation_spaces (id),
  area_code text not null references areas (code),
  area_path ltree not null,
  title text not null,
  topic text not null default '',
  background text not null default '',
  -- documents and photos: [{title, url}]
  refs jsonb not null default '[]',
  lon double precision,
  lat double precision,
  place text not null default '',
  kind text not null check (kind in ('single', 'multiple', 'ranking')),
  max_choices integer not null default 1 check (max_choices > 0),
  results_live boolean not null default false,
  proposal_at timestamptz not null,
  deliberation_at timestamptz not null,
  opens_at timestamptz not null,
  closes_at timestamptz not null,
  result_at timestamptz not null,
  closed_early_at timestamptz,
  outcome text,
  published_at timestamptz,
  created_by uuid references users (id),
  created_at timestamptz not null default now(),
  check (proposal_at <= deliberation_at and deliberation_at <= opens_at and opens_at < closes_at and closes_at <= result_at),
  check ((lon is null) = (lat is null))
);
create index participation_consultations_area on participation_consultations using gist (area_path);
create index participation_consultations_space on participation_consultations (space_id);

create table participation_options (
  id uuid primary key default gen_random_uuid(),
  consultation_id uuid not null references participation_consultations (id) on delete cascade,
  position integer not null,
  label text not null,
  unique (consultation_id, position)
);

-- One row per resident and consultation: a changed vote replaces the row, so it is counted once.
create table participation_votes (
  consultation_id uuid not null references participation_consultations (id) on delete cascade,
  resident_id uuid not null references participation_residents (id),
  -- option ids; for a ranking, best first
  choices jsonb not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (consultation_id, resident_id)
);

create table participation_meetings (
  id uuid primary key default gen_random_uuid(),
  consultation_id uuid not null references participation_consultations (id) on delete cascade,
  starts_at timestamptz not null,
  place text not null,
  minutes text,
  created_at timestamptz not null
);
create index participation_meetings_consultation on participation_meetings (consultation_id, starts_at);

-- 居民提议 proposals: at the space's support threshold the answer clock starts (answer_due_at).
create table participation_proposals (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references participation_spaces (id),
  area_code text not null references areas (code),
  area_path ltree not null,
  resident_id uuid not null references participation_residents (id),
  title text not null,
  body text not null,
  supports integer not null default 0,
  threshold integer not null,
  threshold_reached_at timestamptz,
  answer_due_at timestamptz,
  decision text check (decision in ('consultation', 'case', 'work', 'reject')),
  answer text,
  answered_at timestamptz,
  answered_by uuid references users (id),
  consultation_id uuid references participation_consultations (id),
  case_code text,
  created_at timestamptz not null,
  check ((decision is null) = (answered_at is null))
);
create index participation_proposals_area on participation_proposals using gist (area_path);
create index participation_proposals_due on participation_proposals (answer_due_at) where decision is null and answer_due_at is not null;

create table participation_supports (
  proposal_id uuid not null references participation_proposals (id) on delete cascade,
  resident_id uuid not null references participation_residents (id),
  created_at timestamptz not null,
  primary key (proposal_id, resident_id)
);

-- Results / accountability (after Decidim's "results"): every accepted outcome, its unit and its progress.
create table participation_results (
  id uuid primary key default gen_random_uuid(),
  area_code text not null references areas (code),
  area_path ltree not null,
  title text not null,
  proposal_id uuid references participation_proposals (id),
  consultation_id uuid references participation_consultations (id),
  case_code text,
  responsible_unit text not null references departments (code),
  progress integer not null default 0 check (progress between 0 and 100),
  status text not null default 'planned' check (status in ('planned', 'in_progress', 'done')),
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index participation_results_area on participation_results using gist (area_path);
create index participation_results_unit on participation_results (responsible_unit);

create table participation_result_updates (
  id uuid primary key default gen_random_uuid(),
  result_id uuid not null references participation_results (id) on delete cascade,
  progress integer not null check (progress between 0 and 100),
  note text not null,
  created_by uuid references users (id),
  created_at timestamptz not null
);
create index participation_result_updates_result on participation_result_updates (result_id, created_at);

-- 居民公约 conventions: versioned texts per community; a version is adopted by the vote of its consultation.
create table participation_conventions (
  id uuid primary key default gen_random_uuid(),
  area_code text not null references areas (code),
  area_path ltree not null,
  title text not null,
  created_at timestamptz not null
);
create index participation_conventions_area on participation_conventions using gist (area_path);

create table participation_convention_versions (
  id uuid primary key default gen_random_uuid(),
  convention_id uuid not null references participation_conventions (id) on delete cascade,
  version integer not null,
  body text not null,
  consultation_id uuid references participation_consultations (id),
  status text not null default 'voting' check (status in ('voting', 'adopted', 'rejected')),
  decided_at timestamptz,
  created_at timestamptz not null,
  unique (convention_id, version)
);

-- Comments on a consultation; a hidden comment keeps its row (the reason is in the audit log and here).
create table participation_comments (
  id uuid primary key default gen_random_uuid(),
  consultation_id uuid not null references participation_consultations (id) on delete cascade,
  resident_id uuid not null references participation_residents (id),
  body text not null,
  reports integer not null default 0,
  hidden_at timestamptz,
  hidden_reason text,
  created_at timestamptz not null
);
create index participation_comments_consultation on participation_comments (consultation_id, created_at);
create index participation_comments_resident on participation_comments (resident_id, created_at desc);
