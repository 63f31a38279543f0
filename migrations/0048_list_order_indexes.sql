-- 0048: the list's order served by one index per use (#19, bench:scale at 10M): `cases_created` (created_at alone) goes, since the planner preferred it, being smaller, to `cases_created_code` and then sorted every case tied on the newest time (page 1 read 27,000 rows at 10M synthetic cases); `cases_state` becomes (state, created_at, code), which still answers a state lookup and gives a one-state list its pages in order.

drop index cases_created;
drop index cases_state;
-- a list filtered to one state (the rated archive, the dispatcher's "filed") reads only that state's entries, in page order
create index cases_state_created on cases (state, created_at desc, code desc);
