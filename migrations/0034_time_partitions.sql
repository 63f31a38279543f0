-- 0034: case_events range-partitioned by month like readings (0009), both with a default partition so an insert never fails; generic helpers to create months ahead, settle the default partition and drop old months.

-- The partition key column of a range-partitioned table (one column: `at` for case_events, `ts` for readings).
create function time_partition_key(parent regclass) returns name language sql stable as $$
  select a.attname from pg_partitioned_table p join pg_attribute a on a.attrelid = p.partrelid and a.attnum = p.partattrs[0]
  where p.partrelid = parent
$$;

-- The default partition of a partitioned table, or null.
create function time_partition_default(parent regclass) returns regclass language sql stable as $$
  select c.oid::regclass from pg_inherits i join pg_class c on c.oid = i.inhrelid
  where i.inhparent = parent and c.relpartbound is not null and pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'
$$;

-- Makes sure the UTC month holding `month` has its own partition `<parent>_pYYYYMM`; returns its name.
-- Rows of that month that went to the default partition meanwhile move into it: the new month is built as a
-- plain table, filled, and attached, so moving fires no row trigger a second time (nothing is counted twice).
-- Bounds are UTC instants, whatever the session's time zone. Several nodes may call it (advisory lock).
create function time_partition_ensure(parent regclass, month date) returns text language plpgsql as $$
declare
  first date := date_trunc('month', month)::date;
  lo timestamptz := first::timestamp at time zone 'UTC';
  hi timestamptz := (first + interval '1 month')::timestamp at time zone 'UTC';
  name text := format('%s_p%s', (select relname from pg_class where oid = parent), to_char(first, 'YYYYMM'));
  key name := time_partition_key(parent);
  def regclass;
  stray boolean := false;
begin
  if to_regclass(quote_ident(name)) is not null then return name; end if;
  perform pg_advisory_xact_lock(hashtext('civicgrid.time_partition'), hashtext(parent::text));
  if to_regclass(quote_ident(name)) is not null then return name; end if;
  def := time_partition_default(parent);
  execute format('create table %I (like %s including defaults including constraints)', name, parent);
  if def is not null then
    execute format('select exists (select 1 from %s where %I >= %L and %I < %L)', def, key, lo, key, hi) into stray;
  end if;
  if stray then
    execute format('with moved as (delete from %s where %I >= %L and %I < %L returning *) insert into %I select * from moved',
      def, key, lo, key, hi, name);
  end if;
  execute format('alter table %s attach partition %I for values from (%L) to (%L)', parent, name, lo, hi);
  return name;
end $$;

-- Gives every month found in the default partition its own partition (after a bulk load of history, or an
-- insert for a month nobody created ahead). Returns the partitions created or filled.
create function time_partition_settle(parent regclass) returns setof text language plpgsql as $$
declare
  def regclass := time_partition_default(parent);
  m date;
begin
  if def is null then return; end if;
  for m in execute format('select distinct date_trunc(''month'', %I at time zone ''UTC'')::date from %s order by 1', time_partition_key(parent), def) loop
    return next time_partition_ensure(parent, m);
  end loop;
end $$;

-- Retention: drops every monthly partition that ends on or before the cutoff instant and deletes older rows
-- left in the default partition; returns the dropped partitions' names.
create function time_partition_drop_before(parent regclass, cutoff timestamptz) returns setof text language plpgsql as $$
declare
  base text := (select relname from pg_class where oid = parent);
  def regclass := time_partition_default(parent);
  part record;
begin
  for part in
    select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = parent and c.relname ~ ('^' || base || '_p[0-9]{6}$')
      and ((to_date(right(c.relname, 6), 'YYYYMM') + interval '1 month')::timestamp at time zone 'UTC') <= cutoff
    order by 1
  loop
    execute format('drop table %I', part.relname);
    return next part.relname;
  end loop;
  if def is not null then
    execute format('delete from %s where %I < %L', def, time_partition_key(parent), cutoff);
  end if;
end $$;

-- ---- readings: a default partition, and 0009's functions on the generic ones (same names, same callers)
create table readings_default partition of readings default;

create or replace function brain_ensure_readings_partition(month date) returns text language sql as $$
  select time_partition_ensure('readings', month)
$$;

create or replace function brain_drop_readings_before(cutoff date) returns setof text language sql as $$
  select time_partition_drop_before('readings', cutoff::timestamp at time zone 'UTC')
$$;

-- ---- case_events: rename, create partitioned, copy, recreate indexes and triggers, drop the old table.
-- The primary key must include the partition key: (id, at). id stays unique on its own in practice (one
-- identity sequence), and the one foreign key to it (open311_updates) now carries the event's time too.
alter table case_events rename to case_events_unpartitioned;
alter index case_events_pkey rename to case_events_unpartitioned_pkey;
alter table case_events_unpartitioned rename constraint case_events_case_id_fkey to case_events_unpartitioned_case_id_fkey;

-- Indexes and row triggers other migrations put on case_events, recreated from their definitions so none is
-- lost (0015 evaluation and 0016 notify today). A row trigger on a partitioned table fires for its partitions.
create temp table case_events_carry on commit drop as
  select 'index' as kind, c.relname::text as name, pg_get_indexdef(i.indexrelid) as def
  from pg_index i join pg_class c on c.oid = i.indexrelid
  where i.indrelid = 'case_events_unpartitioned'::regclass and not i.indisprimary
  union all
  select 'trigger', t.tgname::text, pg_get_triggerdef(t.oid)
  from pg_trigger t where t.tgrelid = 'case_events_unpartitioned'::regclass and not t.tgisinternal;

do $$
declare r record;
begin
  for r in select * from case_events_carry loop
    if r.kind = 'index' then execute format('drop index %I', r.name);
    else execute format('drop trigger %I on case_events_unpartitioned', r.name);
    end if;
  end loop;
end $$;

create table case_events (
  id bigint generated always as identity,
  case_id uuid not null references cases (id),
  at timestamptz not null,
  actor_id uuid,
  actor text not null,
  action text not null,
  from_state text,
  to_state text not null,
  reason text,
  attachments uuid[] not null default '{}',
  payload jsonb not null default '{}',
  primary key (id, at)
) partition by range (at);
create table case_events_default partition of case_events default;

-- a partition per month of the history, and the current month with the next three
select time_partition_ensure('case_events', m::date)
from generate_series(
  date_trunc('month', least(coalesce((select min(at) from case_events_unpartitioned), now()), now()) at time zone 'UTC'),
  date_trunc('month', now() at time zone 'UTC') + interval '3 months',
  interval '1 month') m;

insert into case_events (id, case_id, at, actor_id, actor, action, from_state, to_state, reason, attachments, payload)
  overriding system value
  select id, case_id, at, actor_id, actor, action, from_state, to_state, reason, attachments, payload from case_events_unpartitioned;
select setval(pg_get_serial_sequence('case_events', 'id'), coalesce((select max(id) from case_events_unpartitioned), 0) + 1, false);

do $$
declare r record;
begin
  for r in select * from case_events_carry order by kind loop
    execute regexp_replace(r.def, ' ON (public\.)?case_events_unpartitioned ', ' ON case_events ');
  end loop;
end $$;

-- open311_updates.case_event_id referenced case_events (id); now (id, at). A trigger fills the event's time
-- from its id, so callers keep writing only the id, and the check makes a missing event fail as before.
alter table open311_updates drop constraint open311_updates_case_event_id_fkey;
alter table open311_updates add column case_event_at timestamptz;
update open311_updates u set case_event_at = e.at from case_events e where e.id = u.case_event_id;
alter table open311_updates add constraint open311_updates_case_event_fkey
  foreign key (case_event_id, case_event_at) references case_events (id, at);
alter table open311_updates add constraint open311_updates_case_event_at
  check ((case_event_id is null) = (case_event_at is null));

create function open311_updates_event_at() returns trigger language plpgsql as $$
begin
  if new.case_event_id is null then new.case_event_at := null;
  elsif tg_op = 'INSERT' or new.case_event_id is distinct from old.case_event_id then
    select at into new.case_event_at from case_events where id = new.case_event_id;
  end if;
  return new;
end $$;
create trigger open311_updates_event_at before insert or update of case_event_id on open311_updates
  for each row execute function open311_updates_event_at();

-- fails (no cascade) if a foreign key this migration does not know still points at the old table
drop table case_events_unpartitioned;
