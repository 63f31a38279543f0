-- 0005: the dispatch catalogue 权责清单 (category × area → responsible unit) and the history of objections 退单.

-- The most specific area wins (a district's rule beats the city-wide one); area_code null means the whole city.
-- allow_territorial is the catalogue's explicit permission to hand a functional matter to 街道/社区.
create table dispatch_rules (
  id uuid primary key default gen_random_uuid(),
  category text not null,
  area_code text references areas (code),
  area_path ltree,
  department_code text not null references departments (code),
  co_departments text[] not null default '{}',
  allow_territorial boolean not null default false,
  note text not null default '',
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check ((area_code is null) = (area_path is null))
);
create unique index dispatch_rules_key on dispatch_rules (category, coalesce(area_code, ''));
create index dispatch_rules_path on dispatch_rules using gist (area_path);

-- 退单记录 who refused which case and why, and where it went next: evaluation counts these per department.
create table case_objections (
  id bigint generated always as identity primary key,
  case_id uuid not null references cases (id),
  department_code text not null references departments (code),
  reason text not null,
  objected_by uuid,
  objected_by_name text not null,
  objected_at timestamptz not null,
  redispatched_to text references departments (code),
  redispatched_at timestamptz
);
create index case_objections_case on case_objections (case_id, id);
create index case_objections_department on case_objections (department_code, objected_at);
