-- 0025: a marker of each synthetic city load, so bench:scale reuses a 10M-case database instead of rebuilding it every run.
create table synthetic_seeds (
  seed integer primary key,
  cases bigint not null,
  devices integer not null,
  events bigint not null,
  seconds double precision not null,
  created_at timestamptz not null
);
