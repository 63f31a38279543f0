-- 0047: a statement's intakes feed the evaluation rollups in one set-based pass (a statement-level trigger) instead of a chain of three row triggers per case: intake is written in batches (cases/intake-batch.ts) and the chain was a fifth of PostgreSQL's time per case (bench:intake, #19).

-- What evaluation_on_event (0015) did for each 'intake' event, for all of a statement's at once: the case's
-- facts row, then its share of evaluation_daily, evaluation_unit_daily and evaluation_actor_daily (what
-- evaluation_apply adds for a fact that is received and nothing else yet). The row triggers on the facts and
-- on evaluation_daily stand aside meanwhile (civicgrid.evaluation_bulk, as for a bulk load), since this pass
-- writes their rows itself; upserts go in key order, so concurrent statements lock rollup rows in one order.
create function evaluation_on_intakes() returns trigger language plpgsql as $$
declare
  v_bulk text := coalesce(current_setting('civicgrid.evaluation_bulk', true), '');
  v_n bigint;
begin
  if v_bulk = 'on' then return null; end if;
  perform set_config('civicgrid.evaluation_bulk', 'on', true);
  with f as (
    insert into evaluation_case_facts (case_id, department, grid_code, area_path, category, channel, reporter_id, received_day)
    select c.id, coalesce(c.main_department, ''), coalesce(c.grid_code, ''), c.area_path, coalesce(c.category, ''), c.channel, c.created_by, evaluation_day(c.created_at)
    from new_rows e join cases c on c.id = e.case_id
    where e.action = 'intake'
    order by c.id
    -- a case that already has its facts adds nothing (the row trigger's `on conflict do nothing` fired nothing)
    on conflict (case_id) do nothing
    returning received_day, department, grid_code, category, area_path, channel, reporter_id
  ), daily as (
    insert into evaluation_daily as d (day, department, grid_code, category, area_path, received)
    select received_day, department, grid_code, category, min(area_path::text)::ltree, count(*) from f
    group by 1, 2, 3, 4 order by 1, 2, 3, 4
    on conflict (day, department, grid_code, category) do update set received = d.received + excluded.received
    returning 1
  ), units as (
    insert into evaluation_unit_daily as u (day, department, district, received)
    select received_day, department, subpath(area_path, 0, least(nlevel(area_path), 2)), count(*) from f
    group by 1, 2, 3 order by 1, 2, 3
    on conflict (day, department, district) do update set received = u.received + excluded.received
    returning 1
  ), actors as (
    insert into evaluation_actor_daily as a (day, actor_id, intakes, reports)
    select received_day, reporter_id, count(*) filter (where channel <> 'gridworker'), count(*) filter (where channel = 'gridworker') from f
    where reporter_id is not null
    group by 1, 2 order by 1, 2
    on conflict (day, actor_id) do update set intakes = a.intakes + excluded.intakes, reports = a.reports + excluded.reports
    returning 1
  )
  -- (every data-modifying part of a WITH runs to completion whether or not the outer query reads it)
  select count(*) into v_n from daily;
  perform set_config('civicgrid.evaluation_bulk', v_bulk, true);
  return null;
end $$;

create trigger evaluation_case_intakes after insert on case_events referencing new table as new_rows
  for each statement execute function evaluation_on_intakes();

-- the row trigger keeps every other action (file, dispatch, report …); intakes are the statement trigger's
drop trigger evaluation_case_events on case_events;
create trigger evaluation_case_events after insert on case_events
  for each row when (new.action <> 'intake') execute function evaluation_on_event();
