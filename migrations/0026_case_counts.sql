-- 0026: case counts per grid × state × category × supervision kept by a trigger on cases, so the dashboard, the yellow/red cards and list totals read thousands of rollup rows instead of counting millions of cases.

-- 案件计数 the case table summed by the columns the dashboard, cards and list filters ask about. A few rows per
-- grid and category (closed states almost never carry a card), whatever the history; exact, not estimated.
create table case_counts (
  area_path ltree not null,
  state text not null,
  category text not null,
  supervision text not null,
  n bigint not null,
  primary key (area_path, state, category, supervision)
);

-- One row out, one row in per change of a counted column: a transition touches two counters, not a scan.
-- Bulk loads (the synthetic city, the demo history) set civicgrid.evaluation_bulk and call case_counts_rebuild().
create function case_counts_changed() returns trigger language plpgsql as $$
begin
  if current_setting('civicgrid.evaluation_bulk', true) = 'on' then return null; end if;
  if tg_op in ('UPDATE', 'DELETE') then
    update case_counts set n = n - 1
      where area_path = old.area_path and state = old.state and category = coalesce(old.category, '') and supervision = old.supervision;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    insert into case_counts (area_path, state, category, supervision, n)
      values (new.area_path, new.state, coalesce(new.category, ''), new.supervision, 1)
      on conflict (area_path, state, category, supervision) do update set n = case_counts.n + 1;
  end if;
  return null;
end $$;
-- the dashboard asks for the open states only: a few thousand of the counters, read from the index alone
create index case_counts_state on case_counts (state) include (area_path, category, supervision, n);

create trigger cases_counts after insert or delete on cases for each row execute function case_counts_changed();
create trigger cases_counts_update after update of area_path, state, category, supervision on cases
  for each row when (old.area_path is distinct from new.area_path or old.state is distinct from new.state
    or old.category is distinct from new.category or old.supervision is distinct from new.supervision)
  execute function case_counts_changed();

-- From scratch: the same sums as one aggregate (after a bulk load, or to check the trigger's result).
create function case_counts_rebuild() returns bigint language sql as $$
  delete from case_counts;
  insert into case_counts (area_path, state, category, supervision, n)
    select area_path, state, coalesce(category, ''), supervision, count(*) from cases group by 1, 2, 3, 4;
  select coalesce(sum(n), 0)::bigint from case_counts;
$$;
select case_counts_rebuild();

-- 超期 overdue open work with a running clock: the dashboard counts these by due date, not the whole table.
create index cases_open_due on cases (due_at) include (area_path, state)
  where paused_since is null and due_at is not null and state not in ('closed', 'rated', 'rejected', 'void', 'merged');
-- open work by recency (the dispatcher's list of what is still running)
create index cases_open_created on cases (created_at desc, code desc)
  where state not in ('closed', 'rated', 'rejected', 'void', 'merged');
-- list page order for everyone: newest first, ties by code (page 1 without filters reads from here)
create index cases_created_code on cases (created_at desc, code desc);
