-- 0030: the trained triage model, keyed by a hash of what it was trained on, so a restart loads it instead of retraining (#19).
create table triage_models (
  key text primary key,
  model bytea not null,
  built_at timestamptz not null
);
