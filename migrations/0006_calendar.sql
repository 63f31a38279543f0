-- 0006: the working-time calendar (节假日 holidays and 调休 make-up workdays) that working-hour deadlines are counted on; admins edit it every year.
create table calendar_days (
  day date primary key,
  kind text not null check (kind in ('holiday', 'workday')),
  name text not null default '' check (char_length(name) <= 100),
  updated_at timestamptz not null default now()
);
