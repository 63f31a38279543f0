-- 0001: accounts, the organisation tree and the tamper-evident audit log that every later capability writes to.
create extension if not exists ltree;
create extension if not exists pg_trgm;
create extension if not exists pgcrypto;

-- 行政区划 admin hierarchy city → district → street → community → grid; the ltree path of codes makes
-- "everything inside district X" one indexed predicate (path <@ 'X').
create table areas (
  code text primary key check (code ~ '^[0-9]{6}([0-9]{3}){0,3}$'),
  name text not null,
  level text not null check (level in ('city', 'district', 'street', 'community', 'grid')),
  path ltree not null unique,
  parent_code text references areas (code),
  created_at timestamptz not null default now()
);
create index areas_path_gist on areas using gist (path);
create index areas_parent on areas (parent_code);

-- 部门 handling units. Territorial units (街道/社区) sit on an area; functional ones are city-wide.
create table departments (
  code text primary key check (code ~ '^[A-Z][A-Z0-9_]{0,31}$'),
  name text not null,
  name_en text not null default '',
  kind text not null check (kind in ('functional', 'utility', 'territorial')),
  area_code text references areas (code),
  active boolean not null default true,
  created_at timestamptz not null default now()
);

create table users (
  id uuid primary key default gen_random_uuid(),
  username text not null unique check (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
  display_name text not null,
  password_hash text not null,
  roles text[] not null check (cardinality(roles) > 0),
  -- data scope: the area subtree whose data this user may see
  scope_path ltree not null,
  department_code text references departments (code),
  disabled boolean not null default false,
  failed_logins integer not null default 0,
  locked_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index users_scope_gist on users using gist (scope_path);

-- Bearer sessions. Only a SHA-256 of the token is stored, so a database leak does not leak live sessions.
create table sessions (
  token_hash text primary key,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  ip text
);
create index sessions_user on sessions (user_id);

-- 审计日志: every write, hash-chained so that an edited or deleted row breaks the chain at a named seq.
create table audit_log (
  seq bigint generated always as identity primary key,
  at timestamptz not null,
  actor_id uuid,
  actor text not null,
  action text not null,
  target_type text not null,
  target_id text not null,
  request_id text,
  detail jsonb not null default '{}',
  prev_hash text not null,
  hash text not null
);
create index audit_target on audit_log (target_type, target_id);
create index audit_at on audit_log (at);

-- Deployment-wide settings, e.g. mode = demo | production (demo accounts only ever work in demo mode).
create table settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);
