-- 0008: dispatchers' corrections to triage, kept so the classifier learns from them across restarts and nodes.
create table triage_corrections (
  id bigint generated always as identity primary key,
  -- the appeal text as the model sees it: normalised, with phones, ID numbers and house numbers masked
  text text not null,
  category text not null,
  nature text,
  predicted_category text,
  case_code text,
  actor_id uuid references users (id),
  created_at timestamptz not null
);
create index triage_corrections_created on triage_corrections (created_at);
