-- 0039: device types (感知设备类型) become data an admin edits — metrics with units and valid ranges, report interval; the shipped types of brain/devices/types.ts are only the rows written into an empty table.
create table device_types (
  code text primary key check (code ~ '^[a-z][a-z0-9_]{1,31}$'),
  zh text not null check (length(zh) between 1 and 100),
  en text not null check (length(en) between 1 and 100),
  interval_s integer not null check (interval_s between 1 and 86400),
  -- {"level": {"unit": "m", "min": -1, "max": 20}}: readings outside [min, max] are rejected at ingest
  metrics jsonb not null,
  -- {"level": [0, 0.08]}: what a healthy device reports (the simulator)
  normal jsonb not null default '{}',
  created_at timestamptz not null,
  updated_at timestamptz not null
);
