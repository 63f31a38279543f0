-- 0043: 走访 of houses on a cycle (#16), like special-care people: a house (出租屋, a shared flat) may carry visitCycleDays; the field work due list counts from its last visit.
alter table houses add column visit_cycle_days integer check (visit_cycle_days between 1 and 366);
create index houses_visit_cycle on houses (grid_code) where visit_cycle_days is not null;
