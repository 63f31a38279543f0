-- 0046: case counters per scope (every level of the area tree, not only the grid), kept by statement-level triggers that apply a statement's changes in one sorted pass, so the dashboard, the cards and list totals read the rows of one scope instead of summing every grid's (#19).

-- 管辖范围计数 the same sums as case_counts (0026), once for each area a case lies in: its city, district,
-- street, community and grid. A user's totals are the rows of their own scope (`scope = p`), a few thousand
-- whatever the history; at 10M cases the city's answer summed 370,000 grid rows (bench:scale).
create table case_scope_counts (
  scope ltree not null,
  state text not null,
  category text not null,
  supervision text not null,
  n bigint not null,
  primary key (scope, state, category, supervision)
);
-- the dashboard's districts: the rows one level below the city, open states only
create index case_scope_counts_depth on case_scope_counts (nlevel(scope), state) include (scope, n);

-- A statement's net changes to the three read models, applied in key order. Sorted upserts take the counter
-- rows' locks in one global order, so two transactions never wait for each other in a cycle (a row trigger
-- locked them in the order of the rows, and a city-level counter is shared by every case of its kind). Keys
-- whose changes cancel out (an update that moves no counted column) are not touched at all.
create function case_read_model_apply(d_path ltree[], d_state text[], d_category text[], d_supervision text[], d_h3 text[], d_open boolean[], d_n int[])
returns void language plpgsql as $$
-- (plpgsql, not sql: its statements' plans are kept for the session instead of planned at every call)
begin
  if d_path is null then return; end if;  -- a statement that touched no case
  insert into case_counts as t (area_path, state, category, supervision, n)
    select p, s, c, v, sum(n) from unnest(d_path, d_state, d_category, d_supervision, d_n) as u(p, s, c, v, n)
    group by 1, 2, 3, 4 having sum(n) <> 0 order by 1, 2, 3, 4
    on conflict (area_path, state, category, supervision) do update set n = t.n + excluded.n;
  insert into case_scope_counts as t (scope, state, category, supervision, n)
    select subpath(p, 0, i), s, c, v, sum(n) from unnest(d_path, d_state, d_category, d_supervision, d_n) as u(p, s, c, v, n), generate_series(1, nlevel(p)) as i
    group by 1, 2, 3, 4 having sum(n) <> 0 order by 1, 2, 3, 4
    on conflict (scope, state, category, supervision) do update set n = t.n + excluded.n;
  insert into case_cells as t (h3, area_path, n)
    select h, p, sum(n) from unnest(d_h3, d_path, d_open, d_n) as u(h, p, o, n) where o
    group by 1, 2 having sum(n) <> 0 order by 1, 2
    on conflict (h3, area_path) do update set n = t.n + excluded.n;
end $$;

-- One trigger function for the three events; each sees only the transition tables its event has.
create function cases_read_model_changed() returns trigger language plpgsql as $$
begin
  if current_setting('civicgrid.evaluation_bulk', true) = 'on' then return null; end if;
  if tg_op = 'INSERT' then
    perform case_read_model_apply(array_agg(area_path), array_agg(state), array_agg(coalesce(category, '')), array_agg(supervision), array_agg(coalesce(h3, '')),
      array_agg(state not in ('closed', 'rated', 'rejected', 'void', 'merged')), array_agg(1)) from new_rows;
  elsif tg_op = 'DELETE' then
    perform case_read_model_apply(array_agg(area_path), array_agg(state), array_agg(coalesce(category, '')), array_agg(supervision), array_agg(coalesce(h3, '')),
      array_agg(state not in ('closed', 'rated', 'rejected', 'void', 'merged')), array_agg(-1)) from old_rows;
  else
    perform case_read_model_apply(array_agg(area_path), array_agg(state), array_agg(category), array_agg(supervision), array_agg(h3), array_agg(open), array_agg(n))
    from (
      select area_path, state, coalesce(category, '') as category, supervision, coalesce(h3, '') as h3, state not in ('closed', 'rated', 'rejected', 'void', 'merged') as open, -1 as n from old_rows
      union all
      select area_path, state, coalesce(category, ''), supervision, coalesce(h3, ''), state not in ('closed', 'rated', 'rejected', 'void', 'merged'), 1 from new_rows
    ) d;
  end if;
  return null;
end $$;

drop trigger cases_counts on cases;
drop trigger cases_counts_update on cases;
drop trigger cases_cells on cases;
drop trigger cases_cells_update on cases;
drop function case_counts_changed();
drop function case_cells_changed();

-- (transition tables rule out an `update of <columns>` list: every update statement fires it, and one that
-- changes no counted column nets to nothing above)
create trigger cases_read_model_insert after insert on cases referencing new table as new_rows for each statement execute function cases_read_model_changed();
create trigger cases_read_model_update after update on cases referencing old table as old_rows new table as new_rows for each statement execute function cases_read_model_changed();
create trigger cases_read_model_delete after delete on cases referencing old table as old_rows for each statement execute function cases_read_model_changed();

-- From scratch: the scope rows are the grid rows summed up the tree (after a bulk load, or to check the triggers).
create or replace function case_counts_rebuild() returns bigint language sql as $$
  delete from case_counts;
  insert into case_counts (area_path, state, category, supervision, n)
    select area_path, state, coalesce(category, ''), supervision, count(*) from cases group by 1, 2, 3, 4;
  delete from case_scope_counts;
  insert into case_scope_counts (scope, state, category, supervision, n)
    select subpath(area_path, 0, i), state, category, supervision, sum(n) from case_counts, generate_series(1, nlevel(area_path)) as i group by 1, 2, 3, 4;
  select case_cells_rebuild();
  select coalesce(sum(n), 0)::bigint from case_counts;
$$;
select case_counts_rebuild();

-- 督办卡 the yellow/red-card lists (GET /cases?supervision=red, the operations page's cards): carded cases are a
-- sliver of the table, newest first; without this page 1 walked the whole creation-order index to find them.
create index cases_carded on cases (supervision, created_at desc, code desc) where supervision <> 'none';
