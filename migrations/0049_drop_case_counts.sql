-- 0049: the grid counters of 0026 dropped. Since 0046 every reader (totals, the dashboard, the cards) reads case_scope_counts, whose rows include each case's own path, and the map reads case_cells; case_counts was kept by every intake and transition and read by nothing (#19, bench:intake).

create or replace function case_read_model_apply(d_path ltree[], d_state text[], d_category text[], d_supervision text[], d_h3 text[], d_open boolean[], d_n int[])
returns void language plpgsql as $$
-- (plpgsql, not sql: its statements' plans are kept for the session instead of planned at every call)
begin
  if d_path is null then return; end if;  -- a statement that touched no case
  insert into case_scope_counts as t (scope, state, category, supervision, n)
    select subpath(p, 0, i), s, c, v, sum(n) from unnest(d_path, d_state, d_category, d_supervision, d_n) as u(p, s, c, v, n), generate_series(1, nlevel(p)) as i
    group by 1, 2, 3, 4 having sum(n) <> 0 order by 1, 2, 3, 4
    on conflict (scope, state, category, supervision) do update set n = t.n + excluded.n;
  insert into case_cells as t (h3, area_path, n)
    select h, p, sum(n) from unnest(d_h3, d_path, d_open, d_n) as u(h, p, o, n) where o
    group by 1, 2 having sum(n) <> 0 order by 1, 2
    on conflict (h3, area_path) do update set n = t.n + excluded.n;
end $$;

-- From scratch (after a bulk load, or to check the triggers): the cases grouped by their own path first, a few
-- hundred thousand rows at 10M cases, then summed up the tree; returns the number of cases counted.
create or replace function case_counts_rebuild() returns bigint language sql as $$
  delete from case_scope_counts;
  insert into case_scope_counts (scope, state, category, supervision, n)
    select subpath(g.area_path, 0, i), g.state, g.category, g.supervision, sum(g.n)
    from (select area_path, state, coalesce(category, '') as category, supervision, count(*) as n from cases group by 1, 2, 3, 4) g,
      generate_series(1, nlevel(g.area_path)) as i
    group by 1, 2, 3, 4;
  select case_cells_rebuild();
  select count(*)::bigint from cases;
$$;

drop table case_counts;
