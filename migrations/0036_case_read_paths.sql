-- 0036: read paths that do not grow with history (#19): data scope by a B-tree range instead of the GiST index, open cases per H3 cell kept by a trigger for the map's clusters, and the open cases' places for the map's points.

-- 管辖范围 a scope path p and everything under it are the paths whose text + '.' lies in [p., p/) (db/scope.ts
-- inScope): one B-tree range the planner estimates from this index's histogram. Through the GiST index a
-- district (a third of the city) was guessed at 0.1 % of the table, read by bitmap and sorted for page 1.
create index cases_scope_prefix on cases (((area_path::text || '.') collate "C"));

-- The map's points at street level: open cases in a box, answered from the index alone.
create index cases_open_geo on cases (lat, lon) include (code, state, supervision, area_path)
  where lat is not null and state not in ('closed', 'rated', 'rejected', 'void', 'merged');

-- 地图聚合 open cases per stored H3 cell (res 9) and grid path: the map's clusters at low zoom are these rows
-- rolled up to a coarser cell in the server, a few thousand rows whatever the history. h3 '' holds the open
-- cases without a location (counted, never drawn). Same mechanism as case_counts (0026, D15).
create table case_cells (
  h3 text not null,
  area_path ltree not null,
  n bigint not null,
  primary key (h3, area_path)
);
create index case_cells_scope on case_cells (((area_path::text || '.') collate "C")) include (h3, n);

create function case_cells_changed() returns trigger language plpgsql as $$
begin
  if current_setting('civicgrid.evaluation_bulk', true) = 'on' then return null; end if;
  if tg_op in ('UPDATE', 'DELETE') and old.state not in ('closed', 'rated', 'rejected', 'void', 'merged') then
    update case_cells set n = n - 1 where h3 = coalesce(old.h3, '') and area_path = old.area_path;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.state not in ('closed', 'rated', 'rejected', 'void', 'merged') then
    insert into case_cells (h3, area_path, n) values (coalesce(new.h3, ''), new.area_path, 1)
      on conflict (h3, area_path) do update set n = case_cells.n + 1;
  end if;
  return null;
end $$;

create trigger cases_cells after insert or delete on cases for each row execute function case_cells_changed();
create trigger cases_cells_update after update of h3, area_path, state on cases
  for each row when (old.h3 is distinct from new.h3 or old.area_path is distinct from new.area_path or old.state is distinct from new.state)
  execute function case_cells_changed();

create function case_cells_rebuild() returns bigint language sql as $$
  delete from case_cells;
  insert into case_cells (h3, area_path, n)
    select coalesce(h3, ''), area_path, count(*) from cases where state not in ('closed', 'rated', 'rejected', 'void', 'merged') group by 1, 2;
  select coalesce(sum(n), 0)::bigint from case_cells;
$$;

-- Every bulk load already ends in case_counts_rebuild() (the synthetic city, the demo history): it now rebuilds
-- the cells too, so no loader has to learn a second call.
create or replace function case_counts_rebuild() returns bigint language sql as $$
  delete from case_counts;
  insert into case_counts (area_path, state, category, supervision, n)
    select area_path, state, coalesce(category, ''), supervision, count(*) from cases group by 1, 2, 3, 4;
  select case_cells_rebuild();
  select coalesce(sum(n), 0)::bigint from case_counts;
$$;
select case_counts_rebuild();
