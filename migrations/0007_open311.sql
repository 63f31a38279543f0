-- 0007: Open311 GeoReport v2 — API keys of external systems (stored hashed, revocable), what each posted request carried beyond the case, and inbound service request updates.

-- One key per consuming system. Only a SHA-256 of the key is kept; the prefix lets an admin recognise a key in
-- a list without being able to use it. A key bound to a department lets that unit's own system report back.
create table open311_api_keys (
  id uuid primary key default gen_random_uuid(),
  consumer text not null check (char_length(consumer) between 1 and 100),
  key_hash text not null unique,
  key_prefix text not null,
  department_code text references departments (code),
  created_by uuid,
  created_at timestamptz not null,
  revoked_at timestamptz,
  last_used_at timestamptz
);

-- The Open311 side of a case created through POST requests: the token a client may poll, the key that sent it,
-- the service attributes and the media URL (the case itself lives in `cases`, keyed by its public code).
create table open311_requests (
  case_id uuid primary key references cases (id),
  token uuid not null unique default gen_random_uuid(),
  api_key_id uuid not null references open311_api_keys (id),
  service_code text not null,
  attributes jsonb not null default '{}',
  media_url text,
  created_at timestamptz not null
);
create index open311_requests_key on open311_requests (api_key_id, created_at);

-- 市民补充与回单 updates posted by external systems (mySociety servicerequestupdates). What they cause on the case
-- (a transition, a reopen request to the supervisor, a note) is recorded in `effect`; the case's own event, if
-- any, is linked so the public update list and the case timeline tell one story.
create table open311_updates (
  id bigint generated always as identity primary key,
  case_id uuid not null references cases (id),
  api_key_id uuid not null references open311_api_keys (id),
  external_id text,
  status text not null,
  description text not null default '',
  media_url text,
  updated_at timestamptz not null,
  received_at timestamptz not null,
  effect text not null,
  case_event_id bigint references case_events (id),
  -- contacts of whoever wrote the update, encrypted like a reporter's (AES-GCM)
  author_name text,
  author_email text,
  author_phone text,
  unique (api_key_id, external_id)
);
create index open311_updates_case on open311_updates (case_id, id);
create index open311_updates_received on open311_updates (received_at);
