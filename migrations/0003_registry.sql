-- 0003: the unified base database 人·地·物·事·组织 (GB/T 31000-2015) that cases, sensors and indicators hang on.
-- Every record sits in one grid; area_path is that grid's ltree path, so a user's data scope and "everything
-- inside area X" (a grid is an area) are one GiST-indexed predicate. Deliberately no btree on grid_code: lists
-- are ordered by grid, and such an index tempts the planner to walk the whole table in grid order, filtering
-- for the scope, instead of taking the few rows of a grid worker's grid from the GiST index. PII columns hold only AES-GCM ciphertext (*_sealed), a keyed
-- blind index for exact search (*_bidx) and the masked form shown in lists (*_mask).

-- 房屋 houses: community → building → unit → room. address_key is the normalised address (geo/address.ts:
-- road + number + building + unit + room) that appeals and imported people are matched on; it leaves the
-- district out, so it is unique per district.
create table houses (
  id uuid primary key default gen_random_uuid(),
  address text not null,
  address_key text not null,
  building text not null default '',
  unit text not null default '',
  room text not null default '',
  purpose text not null default 'residential' check (purpose in ('residential', 'commercial', 'office', 'industrial', 'mixed', 'other')),
  -- 出租屋: rented out; its tenants are people linked with house_relation = 'tenant'
  rental boolean not null default false,
  grid_code text not null references areas (code),
  area_path ltree not null,
  lon double precision,
  lat double precision,
  h3 text,
  note text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((lon is null) = (lat is null))
);
create unique index houses_address_key on houses (substr(grid_code, 1, 6), address_key);
create index houses_address_lookup on houses (address_key);
create index houses_area_gist on houses using gist (area_path);
create index houses_h3 on houses (h3);
-- map viewports (?bbox=w,s,e,n)
create index houses_lonlat on houses (lon, lat) where lon is not null;
create index houses_address_trgm on houses using gin (address gin_trgm_ops);

-- 人口 people: registered 户籍 / floating 流动 / overseas 境外. The name is clear text except for people in a
-- special-care group (特殊人群), whose name is sealed like the ID number and phone.
create table people (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('registered', 'floating', 'overseas')),
  name text,
  name_sealed text,
  name_mask text not null,
  gender text not null default 'unknown' check (gender in ('male', 'female', 'unknown')),
  birth_date date,
  id_type text not null default 'resident_id' check (id_type in ('resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'foreign_permanent')),
  id_number_sealed text not null,
  id_number_bidx text not null,
  id_number_mask text not null,
  phone_sealed text,
  phone_bidx text,
  phone_mask text,
  ethnicity text not null default '',
  nationality text not null default 'CHN',
  address text not null default '',
  house_id uuid references houses (id) on delete set null,
  house_relation text check (house_relation in ('owner', 'family', 'tenant', 'other')),
  grid_code text not null references areas (code),
  area_path ltree not null,
  lon double precision,
  lat double precision,
  h3 text,
  -- special-care groups and, per tag, that group's own fields: {"disabled": {"level": "二级"}}
  tags text[] not null default '{}',
  care jsonb not null default '{}',
  note text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((name is null) <> (name_sealed is null)),
  check ((phone_sealed is null) = (phone_bidx is null)),
  check ((lon is null) = (lat is null))
);
-- one person, one register entry: the blind index of the ID number is the natural key
create unique index people_id_number on people (id_number_bidx);
create index people_phone on people (phone_bidx) where phone_bidx is not null;
create index people_area_gist on people using gist (area_path);
create index people_house on people (house_id) where house_id is not null;
create index people_tags on people using gin (tags);
create index people_name_trgm on people using gin (name gin_trgm_ops);
create index people_address_trgm on people using gin (address gin_trgm_ops);

-- 组织 organisations: enterprises 企业, social organisations 社会组织, party organisations 党组织.
create table organisations (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('enterprise', 'social_org', 'party_org')),
  name text not null,
  -- 统一社会信用代码 (GB 32100), validated by the service; party branches may not have one
  credit_code text check (credit_code ~ '^[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}$'),
  legal_rep text not null default '',
  industry text not null default '',
  status text not null default 'active' check (status in ('active', 'suspended', 'deregistered')),
  address text not null default '',
  grid_code text not null references areas (code),
  area_path ltree not null,
  lon double precision,
  lat double precision,
  h3 text,
  note text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((lon is null) = (lat is null))
);
create unique index organisations_credit_code on organisations (credit_code) where credit_code is not null;
create index organisations_area_gist on organisations using gist (area_path);
create index organisations_name_trgm on organisations using gin (name gin_trgm_ops);

-- 信用事件: commendations, penalties and dishonesty listings that make up an organisation's credit record.
create table credit_events (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisations (id) on delete cascade,
  occurred_on date not null,
  kind text not null check (kind in ('commendation', 'penalty', 'dishonest', 'other')),
  title text not null,
  source text not null default '',
  detail text not null default '',
  recorded_by text not null,
  created_at timestamptz not null default now()
);
create index credit_events_org on credit_events (organisation_id, occurred_on desc);

-- 部件 city components (GB/T 30428.2): code = district (6) + class (4) + serial (6). Always located.
create table components (
  id uuid primary key default gen_random_uuid(),
  code text not null unique check (code ~ '^[0-9]{16}$'),
  class_code text not null check (class_code ~ '^[0-9]{4}$'),
  name text not null,
  -- 权属单位 / 养护单位: a department code when the unit is one, otherwise the unit's name
  owner_unit text not null default '',
  maintainer_unit text not null default '',
  state text not null default 'intact' check (state in ('intact', 'damaged', 'missing', 'removed')),
  address text not null default '',
  installed_on date,
  grid_code text not null references areas (code),
  area_path ltree not null,
  lon double precision not null,
  lat double precision not null,
  h3 text not null,
  note text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index components_area_gist on components using gist (area_path);
create index components_class on components (class_code);
create index components_state on components (state) where state <> 'intact';
create index components_h3 on components (h3);
create index components_lonlat on components (lon, lat);

-- Import jobs: the console polls one for progress and the row-by-row error report. scope_path is the
-- importer's scope, so a job is visible to whoever may see that area.
create table import_jobs (
  id uuid primary key default gen_random_uuid(),
  type text not null check (type in ('people', 'houses', 'organisations', 'components', 'grids')),
  filename text not null,
  format text not null check (format in ('csv', 'xlsx', 'geojson')),
  state text not null check (state in ('validating', 'importing', 'done', 'failed')),
  total_rows integer not null default 0,
  processed_rows integer not null default 0,
  imported_rows integer not null default 0,
  error_count integer not null default 0,
  errors jsonb not null default '[]',
  message text not null default '',
  actor_id uuid,
  actor text not null,
  scope_path ltree not null,
  created_at timestamptz not null,
  finished_at timestamptz
);
create index import_jobs_scope on import_jobs using gist (scope_path);
