-- 0018: the data hall 数据大厅 (catalogue with GB/T 43697 grades, sharing requests, scoped API keys, a hash-chained access log with daily published heads) and the open-data portal's datasets.

-- 政务信息资源目录 one row per data resource: a table the platform holds (kind 'table', registered by the
-- seed), a dataset a department uploaded ('upload'), or a published open dataset derived from tables ('open').
-- code is also the CKAN package name, so it follows CKAN's name rule.
create table datahall_resources (
  id uuid primary key default gen_random_uuid(),
  code text not null unique check (code ~ '^[a-z0-9][a-z0-9_-]{1,99}$'),
  kind text not null check (kind in ('table', 'upload', 'open')),
  title text not null,
  title_en text not null default '',
  description text not null default '',
  owner_department text not null references departments (code),
  update_cycle text not null check (update_cycle in ('realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular')),
  -- GB/T 43697-2024 数据安全分级: core 核心 / important 重要 / general 一般; sensitivity 1 (low) … 4 (high)
  security_grade text not null check (security_grade in ('core', 'important', 'general')),
  sensitivity smallint not null check (sensitivity between 1 and 4),
  share_type text not null check (share_type in ('unconditional', 'conditional', 'none')),
  open_type text not null check (open_type in ('unconditional', 'conditional', 'none')),
  -- who must approve a sharing request: both the owner department and the data admin, or one of them
  approval text not null default 'both' check (approval in ('both', 'owner', 'admin')),
  -- for open datasets: which anonymising builder produces the rows (opendata/builders.ts)
  builder text,
  -- for shared reads of a platform table: which reader serves the rows (datahall/readers.ts)
  source text,
  tags text[] not null default '{}',
  theme text not null default 'governance',
  license_id text not null default 'cc-by-4.0',
  -- the latest upload's version (uploads only)
  version integer not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check (kind <> 'open' or builder is not null)
);
create index datahall_resources_owner on datahall_resources (owner_department);
create index datahall_resources_title_trgm on datahall_resources using gin (title gin_trgm_ops);

-- 数据项 the fields of a resource with their own grade. A field holding personal information (pii) can
-- never be opened: the service refuses it with a 400, and this check makes sure nothing slips past it.
create table datahall_fields (
  resource_id uuid not null references datahall_resources (id) on delete cascade,
  name text not null check (name ~ '^[a-z][a-z0-9_]{0,62}$'),
  position integer not null,
  label text not null,
  type text not null check (type in ('text', 'number', 'date', 'datetime', 'boolean', 'geometry', 'code')),
  pii text check (pii in ('id_number', 'phone', 'name', 'contact')),
  security_grade text not null check (security_grade in ('core', 'important', 'general')),
  sensitivity smallint not null check (sensitivity between 1 and 4),
  share_type text not null check (share_type in ('unconditional', 'conditional', 'none')),
  open_type text not null check (open_type in ('unconditional', 'conditional', 'none')),
  primary key (resource_id, name),
  check (pii is null or open_type = 'none')
);

-- Uploaded datasets, versioned: each upload is a new version, rows kept as JSON (uploads are small tables a
-- department publishes, not base data).
create table datahall_uploads (
  resource_id uuid not null references datahall_resources (id) on delete cascade,
  version integer not null,
  filename text not null,
  format text not null check (format in ('csv', 'xlsx', 'geojson')),
  row_count integer not null,
  rows jsonb not null,
  uploaded_by text not null,
  created_at timestamptz not null,
  primary key (resource_id, version)
);

-- 外部接入应用 external systems that may request data, registered by the data admin.
create table datahall_consumers (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  contact text not null default '',
  created_by text not null,
  created_at timestamptz not null
);

-- 共享申请 a department's (or a consumer app's) request for some fields of one resource, for a purpose, an
-- area and a period. Each approver records its own decision; the request is approved when every required
-- decision is, refused as soon as one is.
create table datahall_requests (
  id uuid primary key default gen_random_uuid(),
  resource_id uuid not null references datahall_resources (id),
  requester_department text references departments (code),
  consumer_id uuid references datahall_consumers (id),
  requested_by text not null,
  purpose text not null,
  fields text[] not null check (cardinality(fields) > 0),
  -- fields asked for in clear (an ID number unmasked), only for a purpose that needs it
  clear_fields text[] not null default '{}',
  area_path ltree not null,
  valid_from timestamptz not null,
  valid_to timestamptz not null,
  state text not null default 'pending' check (state in ('pending', 'approved', 'refused', 'revoked')),
  owner_decision text not null default 'pending' check (owner_decision in ('pending', 'approved', 'refused', 'not_required')),
  admin_decision text not null default 'pending' check (admin_decision in ('pending', 'approved', 'refused', 'not_required')),
  approved_fields text[] not null default '{}',
  approved_clear_fields text[] not null default '{}',
  reason text not null default '',
  decided_at timestamptz,
  created_at timestamptz not null,
  check ((requester_department is null) <> (consumer_id is null)),
  check (valid_to > valid_from)
);
create index datahall_requests_resource on datahall_requests (resource_id, created_at desc);
create index datahall_requests_state on datahall_requests (state) where state = 'pending';

-- 共享密钥 the API key an approval issues: shown once, stored as SHA-256 (privacy/pii.ts secretDigest).
create table datahall_keys (
  id uuid primary key default gen_random_uuid(),
  request_id uuid not null references datahall_requests (id),
  key_hash text not null unique,
  key_prefix text not null,
  created_at timestamptz not null,
  revoked_at timestamptz,
  last_used_at timestamptz
);
create index datahall_keys_request on datahall_keys (request_id);

-- 共享访问日志 every shared read, hash-chained at write time under an advisory lock (reads are far fewer
-- than audit entries, so the chain stays on the write path): hash = sha256(prev_hash ‖ canonical entry).
create table datahall_access_log (
  seq bigint generated always as identity primary key,
  at timestamptz not null,
  key_id uuid,
  request_id uuid,
  consumer text not null,
  resource_code text not null,
  owner_department text not null,
  fields text[] not null,
  row_count integer not null,
  purpose text not null,
  prev_hash text not null,
  hash text not null unique
);
create index datahall_access_log_resource on datahall_access_log (resource_code, seq desc);
create index datahall_access_log_owner on datahall_access_log (owner_department, seq desc);

-- 每日链头 the chain head as of the end of each day, published publicly: deleting the newest rows of the
-- log (which a chain alone cannot show) is caught because a published head no longer appears in it.
create table datahall_chain_heads (
  day date primary key,
  last_seq bigint not null,
  head_hash text not null,
  entries bigint not null,
  published_at timestamptz not null
);
