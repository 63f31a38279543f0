-- 0014: 并单 candidates only from the caller's data scope: a district dispatcher or a grid worker was shown the codes (and so the public views) of other districts' cases. Each probe now carries `scope` (an ltree path; null = no limit, for system callers that see the whole city).

create or replace function case_duplicates(p_probes jsonb, p_since timestamptz, p_states text[], p_min_score real, p_limit int)
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
  from jsonb_to_recordset(p_probes) as p(n int, txt text, lon float8, lat float8, dlat float8, dlon float8, category text, exclude_id uuid, cells text[], scope ltree)
  cross join lateral (
    select c.id, c.code, c.lon, c.lat, similarity(c.dup_text, p.txt) as score
    from cases c
    where c.h3 = any(p.cells) and c.created_at >= p_since
      and c.lat between p.lat - p.dlat and p.lat + p.dlat and c.lon between p.lon - p.dlon and p.lon + p.dlon
      and c.state = any(p_states)
      and similarity(c.dup_text, p.txt) >= p_min_score
      and (p.category is null or c.category = p.category) and (p.exclude_id is null or c.id <> p.exclude_id)
      and (p.scope is null or c.area_path <@ p.scope)
    order by score desc
    limit p_limit
  ) d
  order by p.n, d.score desc;
end
$$;
