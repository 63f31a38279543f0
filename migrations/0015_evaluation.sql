-- 0015: evaluation 综合评价 — per-case facts and daily rollups kept up to date by triggers on case_events and case_objections (no edit of the workflow, no scan of all cases per request), and the weight schemes.

-- The published constants every formula uses (one row). Changing one is a new formula: run evaluation_rebuild().
create table evaluation_settings (
  id boolean primary key default true check (id),
  -- the city's offset from UTC: a fact belongs to the city-local day it happened on
  tz_minutes integer not null default 480,
  -- 及时派遣: dispatched within this many hours of intake (受理 → 立案 → 派遣 step times, 2 h + 2 h)
  dispatch_hours double precision not null default 4,
  -- 核查及时: the closure checked on site within this many hours of the report (反馈 → 核查 step time)
  check_hours double precision not null default 24,
  -- a new case at the same place (grid or H3 cell) and category within this many days after a closure
  -- contradicts that closure ("closed while the pothole is still there")
  recur_days integer not null default 30
);
insert into evaluation_settings default values;

create function evaluation_day(p_at timestamptz) returns date
language sql stable
as $$ select ((p_at at time zone 'UTC') + make_interval(mins => (select tz_minutes from evaluation_settings)))::date $$;

-- 评价事实 one row per case: what its events say about it, attributed to its current unit, grid and
-- category. The rollups below are exactly these rows summed, so a drill-down lists the cases behind a number.
create table evaluation_case_facts (
  case_id uuid primary key references cases (id),
  department text not null default '',
  grid_code text not null default '',
  area_path ltree not null,
  category text not null default '',
  channel text not null,
  reporter_id uuid,
  dispatcher_id uuid,
  checker_id uuid,
  -- cohorts: intake-side counts belong to the intake day, handling counts to the first dispatch day
  received_day date not null,
  dispatched_day date,
  filed boolean not null default false,
  answered boolean not null default false,
  dismissed boolean not null default false,
  dispatched boolean not null default false,
  dispatch_on_time boolean not null default false,
  reported boolean not null default false,
  -- every report (also after a rework) came before the deadline
  report_on_time boolean not null default false,
  last_report_at timestamptz,
  checked boolean not null default false,
  check_on_time boolean not null default false,
  closed boolean not null default false,
  reworks integer not null default 0,
  extensions integer not null default 0,
  rated boolean not null default false,
  satisfied boolean not null default false,
  -- sticky: a 不满意 stays on record even after the rework and a better second rating
  unsatisfied boolean not null default false,
  reopened_by_rating boolean not null default false,
  recurred boolean not null default false,
  yellow integer not null default 0,
  red integer not null default 0,
  urges integer not null default 0
);
create index evaluation_case_facts_dispatch on evaluation_case_facts (dispatched_day, department);
create index evaluation_case_facts_received on evaluation_case_facts (received_day);
create index evaluation_case_facts_path on evaluation_case_facts using gist (area_path);

-- 日汇总 per day × unit × grid × category: what the scores endpoint reads (days × units × grids, not cases).
create table evaluation_daily (
  day date not null,
  department text not null,
  grid_code text not null,
  category text not null,
  area_path ltree not null,
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
  primary key (day, department, grid_code, category)
);
create index evaluation_daily_path on evaluation_daily using gist (area_path);

-- 岗位日汇总 per day × staff member: the intake clerk's, dispatcher's and grid worker's own work.
create table evaluation_actor_daily (
  day date not null,
  actor_id uuid not null,
  intakes integer not null default 0,
  reports integer not null default 0,
  reports_filed integer not null default 0,
  dispatched integer not null default 0,
  dispatch_on_time integer not null default 0,
  checks integer not null default 0,
  checks_on_time integer not null default 0,
  primary key (day, actor_id)
);

-- 考核方案 weights per subject type; the default one of each type ships and may be edited by an admin.
create table evaluation_schemes (
  code text primary key check (code ~ '^[a-z][a-z0-9_-]{1,39}$'),
  subject_type text not null check (subject_type in ('department', 'area', 'post')),
  name text not null,
  weights jsonb not null,
  min_cases integer not null default 5 check (min_cases >= 0),
  max_share double precision not null default 0.3 check (max_share > 0 and max_share <= 1),
  is_default boolean not null default false,
  updated_at timestamptz not null default now(),
  updated_by text not null default 'system'
);
create unique index evaluation_schemes_default on evaluation_schemes (subject_type) where is_default;

-- Adds (p_sign 1) or takes away (p_sign -1) one fact row's contribution to the rollups.
create function evaluation_apply(f evaluation_case_facts, p_sign integer) returns void
language plpgsql
as $$
declare
  v_eff boolean := f.closed and not f.reopened_by_rating and not f.recurred and not (f.unsatisfied and not f.satisfied);
begin
  insert into evaluation_daily as d (day, department, grid_code, category, area_path, received, filed, answered, dismissed)
  values (f.received_day, f.department, f.grid_code, f.category, f.area_path, p_sign, p_sign * f.filed::int, p_sign * f.answered::int, p_sign * f.dismissed::int)
  on conflict (day, department, grid_code, category) do update set
    received = d.received + excluded.received, filed = d.filed + excluded.filed,
    answered = d.answered + excluded.answered, dismissed = d.dismissed + excluded.dismissed;
  if f.dispatched then
    insert into evaluation_daily as d (day, department, grid_code, category, area_path, dispatched, dispatch_on_time, reported, report_on_time,
      closed, closed_effective, closed_on_time, rework_cases, extended_cases, rated, satisfied, unsatisfied, reopened, recurred, yellow, red, urges)
    values (f.dispatched_day, f.department, f.grid_code, f.category, f.area_path, p_sign, p_sign * f.dispatch_on_time::int,
      p_sign * f.reported::int, p_sign * (f.reported and f.report_on_time)::int, p_sign * f.closed::int, p_sign * v_eff::int,
      p_sign * (v_eff and f.report_on_time)::int, p_sign * (f.reworks > 0)::int, p_sign * (f.extensions > 0)::int,
      p_sign * f.rated::int, p_sign * (f.rated and f.satisfied)::int, p_sign * f.unsatisfied::int, p_sign * f.reopened_by_rating::int,
      p_sign * f.recurred::int, p_sign * f.yellow, p_sign * f.red, p_sign * f.urges)
    on conflict (day, department, grid_code, category) do update set
      dispatched = d.dispatched + excluded.dispatched, dispatch_on_time = d.dispatch_on_time + excluded.dispatch_on_time,
      reported = d.reported + excluded.reported, report_on_time = d.report_on_time + excluded.report_on_time,
      closed = d.closed + excluded.closed, closed_effective = d.closed_effective + excluded.closed_effective,
      closed_on_time = d.closed_on_time + excluded.closed_on_time, rework_cases = d.rework_cases + excluded.rework_cases,
      extended_cases = d.extended_cases + excluded.extended_cases, rated = d.rated + excluded.rated,
      satisfied = d.satisfied + excluded.satisfied, unsatisfied = d.unsatisfied + excluded.unsatisfied,
      reopened = d.reopened + excluded.reopened, recurred = d.recurred + excluded.recurred,
      yellow = d.yellow + excluded.yellow, red = d.red + excluded.red, urges = d.urges + excluded.urges;
  end if;
  if f.reporter_id is not null then
    insert into evaluation_actor_daily as a (day, actor_id, intakes, reports, reports_filed)
    values (f.received_day, f.reporter_id, p_sign * (f.channel <> 'gridworker')::int, p_sign * (f.channel = 'gridworker')::int,
      p_sign * (f.channel = 'gridworker' and f.filed)::int)
    on conflict (day, actor_id) do update set intakes = a.intakes + excluded.intakes, reports = a.reports + excluded.reports,
      reports_filed = a.reports_filed + excluded.reports_filed;
  end if;
  if f.dispatcher_id is not null and f.dispatched then
    insert into evaluation_actor_daily as a (day, actor_id, dispatched, dispatch_on_time)
    values (f.dispatched_day, f.dispatcher_id, p_sign, p_sign * f.dispatch_on_time::int)
    on conflict (day, actor_id) do update set dispatched = a.dispatched + excluded.dispatched, dispatch_on_time = a.dispatch_on_time + excluded.dispatch_on_time;
  end if;
  if f.checker_id is not null and f.checked and f.dispatched then
    insert into evaluation_actor_daily as a (day, actor_id, checks, checks_on_time)
    values (f.dispatched_day, f.checker_id, p_sign, p_sign * f.check_on_time::int)
    on conflict (day, actor_id) do update set checks = a.checks + excluded.checks, checks_on_time = a.checks_on_time + excluded.checks_on_time;
  end if;
end
$$;

create function evaluation_facts_changed() returns trigger
language plpgsql
as $$
begin
  if coalesce(current_setting('civicgrid.evaluation_bulk', true), '') = 'on' then return null; end if;
  if tg_op = 'UPDATE' then perform evaluation_apply(old, -1); end if;
  perform evaluation_apply(new, 1);
  return null;
end
$$;
create trigger evaluation_facts_rollup after insert or update on evaluation_case_facts
  for each row execute function evaluation_facts_changed();

-- What one case event changes in its case's facts. The case row is already updated by the same transaction
-- (the workflow writes the case, then the event), so it carries the unit, the clock and the rating.
create function evaluation_on_event() returns trigger
language plpgsql
as $$
declare
  c cases%rowtype;
  s evaluation_settings%rowtype;
  v_report_at timestamptz;
begin
  -- the demo history is bulk-inserted with this set, then rebuilt in one pass (evaluation_rebuild)
  if coalesce(current_setting('civicgrid.evaluation_bulk', true), '') = 'on' then return null; end if;
  select * into c from cases where id = new.case_id;
  select * into s from evaluation_settings;
  if new.action = 'intake' then
    insert into evaluation_case_facts (case_id, department, grid_code, area_path, category, channel, reporter_id, received_day)
    values (c.id, coalesce(c.main_department, ''), coalesce(c.grid_code, ''), c.area_path, coalesce(c.category, ''), c.channel, c.created_by, evaluation_day(c.created_at))
    on conflict (case_id) do nothing;
    return null;
  end if;
  if new.action = 'check' then
    select max(at) into v_report_at from case_events where case_id = c.id and action = 'report';
  end if;
  update evaluation_case_facts f set
    department = coalesce(c.main_department, ''),
    category = coalesce(c.category, ''),
    filed = f.filed or new.action = 'file',
    answered = f.answered or new.action = 'answer',
    dismissed = f.dismissed or new.action in ('reject', 'void', 'merge'),
    dispatched = f.dispatched or new.action = 'dispatch',
    dispatched_day = case when new.action = 'dispatch' and not f.dispatched then evaluation_day(new.at) else f.dispatched_day end,
    dispatcher_id = case when new.action = 'dispatch' and not f.dispatched then new.actor_id else f.dispatcher_id end,
    dispatch_on_time = case when new.action = 'dispatch' and not f.dispatched
      then new.at <= c.created_at + make_interval(secs => s.dispatch_hours * 3600) else f.dispatch_on_time end,
    report_on_time = case when new.action = 'report' then (f.report_on_time or not f.reported) and (c.due_at is null or new.at <= c.due_at) else f.report_on_time end,
    reported = f.reported or new.action = 'report',
    last_report_at = case when new.action = 'report' then new.at else f.last_report_at end,
    checked = f.checked or new.action = 'check',
    checker_id = case when new.action = 'check' then new.actor_id else f.checker_id end,
    check_on_time = case when new.action = 'check' then v_report_at is not null and new.at <= v_report_at + make_interval(secs => s.check_hours * 3600) else f.check_on_time end,
    closed = case when new.action in ('close', 'answer') then true when new.action = 'rework' then false else f.closed end,
    reworks = f.reworks + (new.action = 'rework')::int,
    reopened_by_rating = f.reopened_by_rating or (new.action = 'rework' and new.from_state = 'rated'),
    extensions = f.extensions + (new.action = 'approve_extension')::int,
    rated = f.rated or new.action = 'rate',
    satisfied = case when new.action = 'rate' then c.rating in ('satisfied', 'basically_satisfied') else f.satisfied end,
    unsatisfied = f.unsatisfied or (new.action = 'rate' and c.rating = 'unsatisfied'),
    yellow = f.yellow + (new.action = 'supervise' and new.payload ->> 'level' = 'yellow')::int,
    red = f.red + (new.action = 'supervise' and new.payload ->> 'level' = 'red')::int,
    urges = f.urges + (new.action = 'urge')::int
  where f.case_id = c.id;
  -- once the category is known: earlier closures at the same place with the same category are contradicted
  if new.action in ('file', 'dispatch') and c.category is not null and (c.grid_code is not null or c.h3 is not null) then
    update evaluation_case_facts f set recurred = true
    from cases p
    where p.id = f.case_id and not f.recurred and p.id <> c.id and p.category = c.category
      and (p.grid_code = c.grid_code or p.h3 = c.h3)
      and p.closed_at is not null and p.closed_at <= c.created_at and p.closed_at >= c.created_at - make_interval(days => s.recur_days)
      and f.dispatched;
  end if;
  return null;
end
$$;
create trigger evaluation_case_events after insert on case_events
  for each row execute function evaluation_on_event();

-- 退单 attributed to the unit that objected, on the day it objected; upheld when the case went elsewhere,
-- rejected when the command centre sent it back to the objector.
create function evaluation_objection_apply(o case_objections, p_sign integer) returns void
language plpgsql
as $$
begin
  insert into evaluation_daily as d (day, department, grid_code, category, area_path, objections, objections_upheld, objections_rejected)
  select evaluation_day(o.objected_at), o.department_code, coalesce(c.grid_code, ''), coalesce(c.category, ''), c.area_path, p_sign,
    p_sign * (o.redispatched_to is not null and o.redispatched_to <> o.department_code)::int,
    p_sign * (o.redispatched_to is not null and o.redispatched_to = o.department_code)::int
  from cases c where c.id = o.case_id
  on conflict (day, department, grid_code, category) do update set objections = d.objections + excluded.objections,
    objections_upheld = d.objections_upheld + excluded.objections_upheld, objections_rejected = d.objections_rejected + excluded.objections_rejected;
end
$$;

create function evaluation_objection_changed() returns trigger
language plpgsql
as $$
begin
  if coalesce(current_setting('civicgrid.evaluation_bulk', true), '') = 'on' then return null; end if;
  if tg_op = 'UPDATE' then perform evaluation_objection_apply(old, -1); end if;
  perform evaluation_objection_apply(new, 1);
  return null;
end
$$;
create trigger evaluation_objections after insert or update on case_objections
  for each row execute function evaluation_objection_changed();

-- Backfill: the facts of every case from its events, then the rollups from the facts, set-based (the demo
-- history, or after a change of evaluation_settings). The same rules as the triggers above, as aggregates
-- (test/api/evaluation.test.ts checks that both give the same scores).
create function evaluation_rebuild() returns integer
language plpgsql
as $$
declare
  v_n integer;
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
  update evaluation_case_facts f set recurred = true
  from cases p, evaluation_settings s
  where p.id = f.case_id and f.dispatched and p.closed_at is not null and p.category is not null and exists (
    select 1 from cases n where n.id <> p.id and n.category = p.category and (n.grid_code = p.grid_code or n.h3 = p.h3)
      and n.created_at >= p.closed_at and n.created_at <= p.closed_at + make_interval(days => s.recur_days));

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
  perform set_config('civicgrid.evaluation_bulk', 'off', true);
  return v_n;
end
$$;

-- Cases that exist before this migration get their facts now.
select evaluation_rebuild();
