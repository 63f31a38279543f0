-- 0037: evaluation reads a rollup that does not grow with the grids × categories of a period (#19): per day × unit × district, kept from evaluation_daily by a trigger; and evaluation_rebuild() finds recurrences with one sort instead of a probe per closed case (it ran for minutes at 1M cases).

-- 单位日汇总 evaluation_daily summed over grids and categories: a month of department scores for the city or a
-- district is ~30 days × units × districts rows (thousands), not ~30 × the day's distinct grid × category pairs
-- (tens of thousands to millions at city scale). district is the first two labels of the path (the city's own
-- path for cases placed at city level).
create table evaluation_unit_daily (
  day date not null,
  department text not null,
  district ltree not null,
  received integer not null default 0,
  filed integer not null default 0,
  answered integer not null default 0,
  dismissed integer not null default 0,
  dispatched integer not null default 0,
  dispatch_on_time integer not null default 0,
  reported integer not null default 0,
  report_on_time integer not null default 0,
  closed integer not null default 0,
  closed_effective integer not null default 0,
  closed_on_time integer not null default 0,
  rework_cases integer not null default 0,
  extended_cases integer not null default 0,
  rated integer not null default 0,
  satisfied integer not null default 0,
  unsatisfied integer not null default 0,
  reopened integer not null default 0,
  recurred integer not null default 0,
  yellow integer not null default 0,
  red integer not null default 0,
  urges integer not null default 0,
  objections integer not null default 0,
  objections_upheld integer not null default 0,
  objections_rejected integer not null default 0,
  primary key (day, department, district)
);

-- Every change of a daily row moves its district's row by the difference, in the same transaction (D14). Bulk
-- loads stand aside (civicgrid.evaluation_bulk) and evaluation_rebuild() sums the table afresh.
create function evaluation_unit_daily_changed() returns trigger language plpgsql as $$
begin
  if current_setting('civicgrid.evaluation_bulk', true) = 'on' then return null; end if;
  insert into evaluation_unit_daily (day, department, district, received, filed, answered, dismissed, dispatched, dispatch_on_time, reported, report_on_time, closed, closed_effective, closed_on_time, rework_cases, extended_cases, rated, satisfied, unsatisfied, reopened, recurred, yellow, red, urges, objections, objections_upheld, objections_rejected)
    values (new.day, new.department, subpath(new.area_path, 0, least(nlevel(new.area_path), 2)), new.received - case when tg_op = 'UPDATE' then old.received else 0 end, new.filed - case when tg_op = 'UPDATE' then old.filed else 0 end, new.answered - case when tg_op = 'UPDATE' then old.answered else 0 end, new.dismissed - case when tg_op = 'UPDATE' then old.dismissed else 0 end, new.dispatched - case when tg_op = 'UPDATE' then old.dispatched else 0 end, new.dispatch_on_time - case when tg_op = 'UPDATE' then old.dispatch_on_time else 0 end, new.reported - case when tg_op = 'UPDATE' then old.reported else 0 end, new.report_on_time - case when tg_op = 'UPDATE' then old.report_on_time else 0 end, new.closed - case when tg_op = 'UPDATE' then old.closed else 0 end, new.closed_effective - case when tg_op = 'UPDATE' then old.closed_effective else 0 end, new.closed_on_time - case when tg_op = 'UPDATE' then old.closed_on_time else 0 end, new.rework_cases - case when tg_op = 'UPDATE' then old.rework_cases else 0 end, new.extended_cases - case when tg_op = 'UPDATE' then old.extended_cases else 0 end, new.rated - case when tg_op = 'UPDATE' then old.rated else 0 end, new.satisfied - case when tg_op = 'UPDATE' then old.satisfied else 0 end, new.unsatisfied - case when tg_op = 'UPDATE' then old.unsatisfied else 0 end, new.reopened - case when tg_op = 'UPDATE' then old.reopened else 0 end, new.recurred - case when tg_op = 'UPDATE' then old.recurred else 0 end, new.yellow - case when tg_op = 'UPDATE' then old.yellow else 0 end, new.red - case when tg_op = 'UPDATE' then old.red else 0 end, new.urges - case when tg_op = 'UPDATE' then old.urges else 0 end, new.objections - case when tg_op = 'UPDATE' then old.objections else 0 end, new.objections_upheld - case when tg_op = 'UPDATE' then old.objections_upheld else 0 end, new.objections_rejected - case when tg_op = 'UPDATE' then old.objections_rejected else 0 end)
    on conflict (day, department, district) do update set received = evaluation_unit_daily.received + excluded.received, filed = evaluation_unit_daily.filed + excluded.filed, answered = evaluation_unit_daily.answered + excluded.answered, dismissed = evaluation_unit_daily.dismissed + excluded.dismissed, dispatched = evaluation_unit_daily.dispatched + excluded.dispatched, dispatch_on_time = evaluation_unit_daily.dispatch_on_time + excluded.dispatch_on_time, reported = evaluation_unit_daily.reported + excluded.reported, report_on_time = evaluation_unit_daily.report_on_time + excluded.report_on_time, closed = evaluation_unit_daily.closed + excluded.closed, closed_effective = evaluation_unit_daily.closed_effective + excluded.closed_effective, closed_on_time = evaluation_unit_daily.closed_on_time + excluded.closed_on_time, rework_cases = evaluation_unit_daily.rework_cases + excluded.rework_cases, extended_cases = evaluation_unit_daily.extended_cases + excluded.extended_cases, rated = evaluation_unit_daily.rated + excluded.rated, satisfied = evaluation_unit_daily.satisfied + excluded.satisfied, unsatisfied = evaluation_unit_daily.unsatisfied + excluded.unsatisfied, reopened = evaluation_unit_daily.reopened + excluded.reopened, recurred = evaluation_unit_daily.recurred + excluded.recurred, yellow = evaluation_unit_daily.yellow + excluded.yellow, red = evaluation_unit_daily.red + excluded.red, urges = evaluation_unit_daily.urges + excluded.urges, objections = evaluation_unit_daily.objections + excluded.objections, objections_upheld = evaluation_unit_daily.objections_upheld + excluded.objections_upheld, objections_rejected = evaluation_unit_daily.objections_rejected + excluded.objections_rejected;
  return null;
end $$;
create trigger evaluation_daily_units after insert or update on evaluation_daily for each row execute function evaluation_unit_daily_changed();

create or replace function evaluation_rebuild() returns integer
language plpgsql
as $$
declare
  v_n integer;
  -- a window's RANGE offset may be a parameter, not a column
  v_recur interval := (select make_interval(days => recur_days) from evaluation_settings);
begin
  perform set_config('civicgrid.evaluation_bulk', 'on', true);
  delete from evaluation_daily;
  delete from evaluation_actor_daily;
  delete from evaluation_case_facts;
  insert into evaluation_case_facts (case_id, department, grid_code, area_path, category, channel, reporter_id, dispatcher_id, checker_id,
    received_day, dispatched_day, filed, answered, dismissed, dispatched, dispatch_on_time, reported, report_on_time, last_report_at,
    checked, check_on_time, closed, reworks, extensions, rated, satisfied, unsatisfied, reopened_by_rating, yellow, red, urges)
  select c.id, coalesce(c.main_department, ''), coalesce(c.grid_code, ''), c.area_path, coalesce(c.category, ''), c.channel, c.created_by,
    e.dispatcher_id, e.checker_id, evaluation_day(c.created_at), evaluation_day(e.first_dispatch), coalesce(e.filed, false),
    coalesce(e.answered, false), coalesce(e.dismissed, false),
    e.first_dispatch is not null, coalesce(e.first_dispatch <= c.created_at + make_interval(secs => s.dispatch_hours * 3600), false),
    e.reports > 0, e.reports > 0 and e.late_reports = 0, e.last_report,
    e.last_check is not null, coalesce(e.last_two_actions[1] = 'check' and e.last_two_actions[2] = 'report' and e.last_two[1] <= e.last_two[2] + make_interval(secs => s.check_hours * 3600), false),
    c.state in ('closed', 'rated') and c.merged_into is null, e.reworks, e.extensions, coalesce(e.rated, false),
    coalesce(c.rating in ('satisfied', 'basically_satisfied'), false), coalesce(e.unsatisfied, false), coalesce(e.reopened, false), e.yellow, e.red, e.urges
  from cases c cross join evaluation_settings s
  join (
    -- one pass over the events, grouped by case
    select ev.case_id,
      bool_or(ev.action = 'file') as filed, bool_or(ev.action = 'answer') as answered,
      bool_or(ev.action in ('reject', 'void', 'merge')) as dismissed,
      min(ev.at) filter (where ev.action = 'dispatch') as first_dispatch,
      (array_agg(ev.actor_id order by ev.id) filter (where ev.action = 'dispatch'))[1] as dispatcher_id,
      (array_agg(ev.actor_id order by ev.id desc) filter (where ev.action = 'check'))[1] as checker_id,
      count(*) filter (where ev.action = 'report') as reports,
      count(*) filter (where ev.action = 'report' and c2.due_at is not null and ev.at > c2.due_at) as late_reports,
      max(ev.at) filter (where ev.action = 'report') as last_report,
      max(ev.at) filter (where ev.action = 'check') as last_check,
      -- the report the last check looked at: the last report before it (events of a case are ordered by id)
      (array_agg(ev.at order by ev.id desc) filter (where ev.action in ('report', 'check')))[1:2] as last_two,
      (array_agg(ev.action order by ev.id desc) filter (where ev.action in ('report', 'check')))[1:2] as last_two_actions,
      count(*) filter (where ev.action = 'rework')::int as reworks,
      bool_or(ev.action = 'rework' and ev.from_state = 'rated') as reopened,
      count(*) filter (where ev.action = 'approve_extension')::int as extensions,
      bool_or(ev.action = 'rate') as rated,
      bool_or(ev.action = 'rate' and ev.payload ->> 'rating' = 'unsatisfied') as unsatisfied,
      count(*) filter (where ev.action = 'supervise' and ev.payload ->> 'level' = 'yellow')::int as yellow,
      count(*) filter (where ev.action = 'supervise' and ev.payload ->> 'level' = 'red')::int as red,
      count(*) filter (where ev.action = 'urge')::int as urges
    from case_events ev join cases c2 on c2.id = ev.case_id
    group by ev.case_id
  ) e on e.case_id = c.id;
  get diagnostics v_n = row_count;
  -- 复发 a closed case recurred when another case of its category came in at the same grid or H3 cell within
  -- recur_days of the closure. One sort per key instead of a probe per closed case: every creation and every
  -- closure on one timeline per (category, place), and a range window counting creations in [closed_at,
  -- closed_at + recur_days] (the case's own creation counts only if it was closed the instant it came in).
  update evaluation_case_facts f set recurred = true
  from (
    select id from (
      select t.id, t.kind, t.own_created, t.closed,
        count(*) filter (where t.kind = 0) over (partition by t.category, t.place order by t.at range between current row and v_recur following) as created_after
      from (
        select id, category, grid_code as place, created_at as at, 0 as kind, created_at as own_created, null::timestamptz as closed from cases where category is not null and grid_code is not null
        union all
        select id, category, grid_code, closed_at, 1, created_at, closed_at from cases where category is not null and grid_code is not null and closed_at is not null
      ) t
    ) w where w.kind = 1 and w.created_after > (case when w.own_created = w.closed then 1 else 0 end)
    union
    select id from (
      select t.id, t.kind, t.own_created, t.closed,
        count(*) filter (where t.kind = 0) over (partition by t.category, t.place order by t.at range between current row and v_recur following) as created_after
      from (
        select id, category, h3 as place, created_at as at, 0 as kind, created_at as own_created, null::timestamptz as closed from cases where category is not null and h3 is not null
        union all
        select id, category, h3, closed_at, 1, created_at, closed_at from cases where category is not null and h3 is not null and closed_at is not null
      ) t
    ) w where w.kind = 1 and w.created_after > (case when w.own_created = w.closed then 1 else 0 end)
  ) r
  where r.id = f.case_id and f.dispatched;

  insert into evaluation_daily (day, department, grid_code, category, area_path, received, filed, answered, dismissed, dispatched, dispatch_on_time,
    reported, report_on_time, closed, closed_effective, closed_on_time, rework_cases, extended_cases, rated, satisfied, unsatisfied, reopened,
    recurred, yellow, red, urges, objections, objections_upheld, objections_rejected)
  select day, department, grid_code, category, min(area_path::text)::ltree, sum(received), sum(filed), sum(answered), sum(dismissed), sum(dispatched),
    sum(dispatch_on_time), sum(reported), sum(report_on_time), sum(closed), sum(closed_effective), sum(closed_on_time), sum(rework_cases),
    sum(extended_cases), sum(rated), sum(satisfied), sum(unsatisfied), sum(reopened), sum(recurred), sum(yellow), sum(red), sum(urges),
    sum(objections), sum(objections_upheld), sum(objections_rejected)
  from (
    select f.received_day as day, f.department, f.grid_code, f.category, f.area_path, 1 as received, f.filed::int as filed, f.answered::int as answered,
      f.dismissed::int as dismissed, 0 as dispatched, 0 as dispatch_on_time, 0 as reported, 0 as report_on_time, 0 as closed, 0 as closed_effective,
      0 as closed_on_time, 0 as rework_cases, 0 as extended_cases, 0 as rated, 0 as satisfied, 0 as unsatisfied, 0 as reopened, 0 as recurred,
      0 as yellow, 0 as red, 0 as urges, 0 as objections, 0 as objections_upheld, 0 as objections_rejected
    from evaluation_case_facts f
    union all
    select f.dispatched_day, f.department, f.grid_code, f.category, f.area_path, 0, 0, 0, 0, 1, f.dispatch_on_time::int, f.reported::int,
      (f.reported and f.report_on_time)::int, f.closed::int, x.eff::int, (x.eff and f.report_on_time)::int, (f.reworks > 0)::int,
      (f.extensions > 0)::int, f.rated::int, (f.rated and f.satisfied)::int, f.unsatisfied::int, f.reopened_by_rating::int, f.recurred::int,
      f.yellow, f.red, f.urges, 0, 0, 0
    from evaluation_case_facts f
    cross join lateral (select f.closed and not f.reopened_by_rating and not f.recurred and not (f.unsatisfied and not f.satisfied) as eff) x
    where f.dispatched
    union all
    select evaluation_day(o.objected_at), o.department_code, coalesce(c.grid_code, ''), coalesce(c.category, ''), c.area_path,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
      (o.redispatched_to is not null and o.redispatched_to <> o.department_code)::int, (o.redispatched_to is not null and o.redispatched_to = o.department_code)::int
    from case_objections o join cases c on c.id = o.case_id
  ) u
  group by day, department, grid_code, category;

  insert into evaluation_actor_daily (day, actor_id, intakes, reports, reports_filed, dispatched, dispatch_on_time, checks, checks_on_time)
  select day, actor_id, sum(intakes), sum(reports), sum(reports_filed), sum(dispatched), sum(dispatch_on_time), sum(checks), sum(checks_on_time)
  from (
    select received_day as day, reporter_id as actor_id, (channel <> 'gridworker')::int as intakes, (channel = 'gridworker')::int as reports,
      (channel = 'gridworker' and filed)::int as reports_filed, 0 as dispatched, 0 as dispatch_on_time, 0 as checks, 0 as checks_on_time
    from evaluation_case_facts where reporter_id is not null
    union all
    select dispatched_day, dispatcher_id, 0, 0, 0, 1, dispatch_on_time::int, 0, 0 from evaluation_case_facts where dispatcher_id is not null and dispatched
    union all
    select dispatched_day, checker_id, 0, 0, 0, 0, 0, 1, check_on_time::int from evaluation_case_facts where checker_id is not null and checked and dispatched
  ) u
  group by day, actor_id;
  delete from evaluation_unit_daily;
  insert into evaluation_unit_daily (day, department, district, received, filed, answered, dismissed, dispatched, dispatch_on_time, reported, report_on_time, closed, closed_effective, closed_on_time, rework_cases, extended_cases, rated, satisfied, unsatisfied, reopened, recurred, yellow, red, urges, objections, objections_upheld, objections_rejected)
    select day, department, subpath(area_path, 0, least(nlevel(area_path), 2)), sum(received), sum(filed), sum(answered), sum(dismissed), sum(dispatched), sum(dispatch_on_time), sum(reported), sum(report_on_time), sum(closed), sum(closed_effective), sum(closed_on_time), sum(rework_cases), sum(extended_cases), sum(rated), sum(satisfied), sum(unsatisfied), sum(reopened), sum(recurred), sum(yellow), sum(red), sum(urges), sum(objections), sum(objections_upheld), sum(objections_rejected)
    from evaluation_daily group by 1, 2, 3;
  perform set_config('civicgrid.evaluation_bulk', 'off', true);
  return v_n;
end
$$;


select evaluation_rebuild();
