-- 0045: disabling an area (#18): a merged or abolished district/street/community/grid takes no new cases or catalogue rows and leaves the pickers, while old cases keep pointing at it; the flag is per area and an area under a disabled one counts as disabled too.
alter table areas add column active boolean not null default true;
