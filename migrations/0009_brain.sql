-- 0009: City Brain — devices with their credentials and latest state, time-partitioned readings with rollups, alarm rules and alarms (one active per device and type).

-- 物联感知设备 One row per sensor. The latest state lives here too (last_seen, latest values, battery, signal),
-- written once per ingestion batch, so "what does every sensor say right now" is a plain scan.
create table devices (
  id text primary key check (id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$'),
  name text not null,
  type text not null,
  lon double precision,
  lat double precision,
  grid_code text references areas (code),
  -- data scope: the grid's path (devices are always placed in the city)
  area_path ltree not null,
  h3 text,
  -- 权属单位: the department that owns and maintains the sensor
  owner_department text references departments (code),
  component_id uuid references components (id) on delete set null,
  protocol text not null default 'mqtt' check (protocol in ('mqtt', 'http')),
  -- argon2id for passwords a person chose; 'sha256$…' only for generated 192-bit secrets (see credentials.ts)
  password_hash text,
  -- SHA-256 of the HTTP bearer token; unique so a token names exactly one device
  token_hash text unique,
  credentials_rotated_at timestamptz,
  enabled boolean not null default true,
  last_seen timestamptz,
  latest jsonb not null default '{}',
  battery double precision,
  signal double precision,
  accepted_count bigint not null default 0,
  rejected_count bigint not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index devices_area_gist on devices using gist (area_path);
create index devices_type on devices (type);
create index devices_updated on devices (updated_at);

-- MQTT gateway accounts (网关): one login that may publish for every device in its scope, e.g. the simulator
-- or a LoRaWAN network server, so 10,000 sensors do not need 10,000 broker connections.
create table mqtt_gateways (
  username text primary key check (username ~ '^[a-z][a-z0-9._-]{1,63}$'),
  password_hash text not null,
  scope_path ltree not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

-- 监测数据 Readings, one row per metric value. Range-partitioned by month (same SQL on PGlite and PostgreSQL):
-- retention drops whole partitions instead of deleting billions of rows, and inserts touch one small index.
create table readings (
  device_id text not null,
  metric text not null,
  ts timestamptz not null,
  value double precision not null
) partition by range (ts);
create index readings_device_metric_ts on readings (device_id, metric, ts);

-- Creates the month's partition if it is missing; the ingestion pipeline calls it for every new month it sees
-- and the maintenance job creates the coming months ahead of time.
create function brain_ensure_readings_partition(month date) returns text language plpgsql as $$
declare
  first date := date_trunc('month', month)::date;
  name text := format('readings_p%s', to_char(first, 'YYYYMM'));
begin
  execute format('create table if not exists %I partition of readings for values from (%L) to (%L)',
    name, first, (first + interval '1 month')::date);
  return name;
end $$;

-- Retention: drops every monthly partition that ends on or before the cutoff; returns the dropped names.
create function brain_drop_readings_before(cutoff date) returns setof text language plpgsql as $$
declare
  part record;
begin
  for part in
    select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'readings'::regclass and c.relname ~ '^readings_p[0-9]{6}$'
      and (to_date(substr(c.relname, 11), 'YYYYMM') + interval '1 month')::date <= cutoff
  loop
    execute format('drop table %I', part.relname);
    return next part.relname;
  end loop;
end $$;

-- Downsampled history for charts: 5-minute buckets rolled up from readings, hourly from the 5-minute ones.
create table reading_rollups (
  device_id text not null,
  metric text not null,
  res text not null check (res in ('5m', '1h')),
  bucket timestamptz not null,
  n integer not null,
  sum double precision not null,
  min double precision not null,
  max double precision not null,
  primary key (device_id, metric, res, bucket)
);
create index reading_rollups_bucket on reading_rollups (res, bucket);

-- Watermarks of background jobs (rollups), so a restart continues where the last run stopped.
create table brain_jobs (
  name text primary key,
  watermark timestamptz not null
);

-- 预警规则 per device type or per device. `condition` is a small expression tree (threshold with hysteresis,
-- rate of change, no data, all/any); see src/server/brain/rules.ts.
create table alarm_rules (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  device_type text,
  device_id text references devices (id) on delete cascade,
  alarm_type text not null check (alarm_type ~ '^[a-z][a-z0-9_]{1,63}$'),
  severity text not null check (severity in ('warning', 'minor', 'major', 'critical')),
  condition jsonb not null,
  duration_s integer not null default 0 check (duration_s >= 0),
  -- optional active window in city-local time: {"days":[1..7], "from":"22:00", "to":"06:00"}
  schedule jsonb,
  -- the taxonomy category of the case an alarm opens (null: the alarm opens no case)
  case_category text,
  -- raise the severity one step when nobody acknowledged the alarm within this many minutes
  escalate_after_min integer check (escalate_after_min > 0),
  enabled boolean not null default true,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check ((device_type is null) <> (device_id is null))
);
create index alarm_rules_device on alarm_rules (device_id) where device_id is not null;

-- 告警 ThingsBoard-style: active → acknowledged → cleared. The partial unique index is what makes "one active
-- alarm per device and type" hold across concurrent batches and API nodes: raising is an upsert on it.
create table alarms (
  id uuid primary key default gen_random_uuid(),
  device_id text not null references devices (id) on delete cascade,
  type text not null,
  rule_id uuid references alarm_rules (id) on delete set null,
  severity text not null check (severity in ('warning', 'minor', 'major', 'critical')),
  status text not null check (status in ('active', 'acknowledged', 'cleared')),
  area_path ltree not null,
  grid_code text,
  h3 text,
  lon double precision,
  lat double precision,
  metric text,
  first_value double precision,
  last_value double precision,
  count integer not null default 1,
  raised_at timestamptz not null,
  last_at timestamptz not null,
  acknowledged_at timestamptz,
  acknowledged_by text,
  cleared_at timestamptz,
  cleared_by text,
  clear_reason text,
  escalation_level integer not null default 0,
  escalated_at timestamptz,
  -- alarm → case: pending until the case intake answered; opened (new case) or linked (an open case nearby)
  case_link text not null default 'none' check (case_link in ('none', 'pending', 'opened', 'linked', 'failed')),
  case_id uuid references cases (id),
  case_code text,
  case_error text
);
create unique index alarms_one_active on alarms (device_id, type) where status <> 'cleared';
create index alarms_area_gist on alarms using gist (area_path);
create index alarms_status_raised on alarms (status, raised_at desc);
create index alarms_case_pending on alarms (raised_at) where case_link = 'pending';
create index alarms_raised on alarms (raised_at);
