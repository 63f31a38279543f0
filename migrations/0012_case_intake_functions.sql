-- 0012: the intake batch and the duplicate search as functions, so each connection plans the batch once instead of once per batch (planning was half of PostgreSQL's CPU per case in bench:intake).

-- 并单 candidates. One row per probe of `p_probes` (JSON array of {n, txt, lon, lat, dlat, dlon, category,
-- exclude_id, cells}: `cells` are the H3 cells covering the box around the point, `txt` the spaced-out text)
-- and open case near it, best first, at most `p_limit` per probe. Used by the intake batch below and by the
-- duplicate search of triage and the dispatcher (cases/store.ts).
create function case_duplicates(p_probes jsonb, p_since timestamptz, p_states text[], p_min_score real, p_limit int)
returns table (n int, id uuid, code text, lon double precision, lat double precision, score real)
language plpgsql stable
-- Planned per call, knowing the window's start: a cached generic plan, made without it, can prefer walking
-- the created_at index through every recent case in the city over the cells around the point.
set plan_cache_mode = force_custom_plan
as $$
#variable_conflict use_column
begin
  return query
  select p.n, d.id, d.code, d.lon, d.lat, d.score
  from jsonb_to_recordset(p_probes) as p(n int, txt text, lon float8, lat float8, dlat float8, dlon float8, category text, exclude_id uuid, cells text[])
  cross join lateral (
    select c.id, c.code, c.lon, c.lat, similarity(c.dup_text, p.txt) as score
    from cases c
    where c.h3 = any(p.cells) and c.created_at >= p_since
      and c.lat between p.lat - p.dlat and p.lat + p.dlat and c.lon between p.lon - p.dlon and p.lon + p.dlon
      and c.state = any(p_states)
      and similarity(c.dup_text, p.txt) >= p_min_score
      and (p.category is null or c.category = p.category) and (p.exclude_id is null or c.id <> p.exclude_id)
    order by score desc
    limit p_limit
  ) d
  order by p.n, d.score desc;
end
$$;

-- 受理 a batch of cases in one call: reserves the day's next public numbers, finds each new case's 并单
-- candidates among the cases already there, and inserts the cases, their intake events and their audit
-- entries (unsealed: the sealer chains them after commit, D6). `p_cases` is a JSON array of case rows
-- without `code` (the columns listed below: intake.ts builds exactly these); `p_meta` the matching array of
-- {actor, requestId, payload}; probe n belongs to case n. Returns, in input order, what the database decided.
-- Adding a column that intake fills means a new version of this function in a later migration.
create function case_intake(p_day text, p_cases jsonb, p_meta jsonb, p_probes jsonb, p_since timestamptz, p_states text[], p_min_score real, p_limit int)
returns table (n int, id uuid, code text, version int, co_departments text[], paused_ms bigint, supervision text, rework_count int, rating_rework_used boolean, event_id bigint, duplicates jsonb)
language plpgsql
as $$
#variable_conflict use_column
declare
  v_count int := jsonb_array_length(p_cases);
  v_base int;
begin
  insert into case_code_days as d (day, last_no) values (p_day, v_count)
  on conflict (day) do update set last_no = d.last_no + excluded.last_no
  returning d.last_no - v_count into v_base;

  return query
  with input as (
    select r.*, r.ordinality::int as n, p_day || lpad((v_base + r.ordinality)::text, 5, '0') as new_code
    from jsonb_populate_recordset(null::cases, p_cases) with ordinality as r
  ),
  meta as (
    select m.n::int as n, m.v from jsonb_array_elements(p_meta) with ordinality as m(v, n)
  ),
  found as (
    select f.n, jsonb_agg(jsonb_build_object('code', f.code, 'score', f.score) order by f.score desc) as duplicates
    from case_duplicates(p_probes, p_since, p_states, p_min_score, p_limit) f
    group by f.n
  ),
  ins as (
    insert into cases (code, channel, state, text, dup_text, nature, category, priority, urgent, lon, lat, address,
      grid_code, area_path, h3, reporter_anonymous, reporter_name, reporter_phone, reporter_phone_idx, reporter_email,
      rating_token_hash, external_ref, main_department, dispatched_at, deadline_hours, working_time, due_at, yellow_at,
      step_due_at, paused_since, pending_extension_hours, merged_into, answer, rating, rating_comment, rated_at,
      created_by, created_at, updated_at, closed_at)
    select new_code, channel, state, text, dup_text, nature, category, priority, urgent, lon, lat, address,
      grid_code, area_path, h3, reporter_anonymous, reporter_name, reporter_phone, reporter_phone_idx, reporter_email,
      rating_token_hash, external_ref, main_department, dispatched_at, deadline_hours, working_time, due_at, yellow_at,
      step_due_at, paused_since, pending_extension_hours, merged_into, answer, rating, rating_comment, rated_at,
      created_by, created_at, updated_at, closed_at
    from input order by n
    returning id, code, version, co_departments, paused_ms, supervision, rework_count, rating_rework_used, created_at, created_by
  ),
  numbered as (
    select ins.*, input.n from ins join input on input.new_code = ins.code
  ),
  ev as (
    insert into case_events (case_id, at, actor_id, actor, action, from_state, to_state, payload)
    select c.id, c.created_at, c.created_by, meta.v->>'actor', 'intake', null, 'received',
           (meta.v->'payload') || jsonb_build_object('duplicates', coalesce((select jsonb_agg(x->>'code') from jsonb_array_elements(found.duplicates) x), '[]'::jsonb))
    from numbered c join meta on meta.n = c.n left join found on found.n = c.n
    order by c.n
    returning id, case_id, payload
  ),
  au as (
    -- no text or contacts in the audit chain: those stay in the (encrypted) case row
    insert into audit_log (at, actor_id, actor, action, target_type, target_id, request_id, detail)
    select c.created_at, c.created_by, meta.v->>'actor', 'case.intake', 'case', c.code, meta.v->>'requestId',
           jsonb_build_object('event', ev.id, 'from', null, 'to', 'received') || ev.payload
    from numbered c join ev on ev.case_id = c.id join meta on meta.n = c.n
    order by c.n
  )
  select c.n, c.id, c.code, c.version, c.co_departments, c.paused_ms, c.supervision, c.rework_count, c.rating_rework_used,
         ev.id as event_id, found.duplicates
  from numbered c join ev on ev.case_id = c.id left join found on found.n = c.n
  order by c.n;
end
$$;
