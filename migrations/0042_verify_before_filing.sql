-- 0042: 核实 before 立案 (#16): a grid may require its grid worker's on-site verification of a citizen report before the command centre files it; the case keeps when it was verified.
alter table areas add column verify_before_filing boolean not null default false;
alter table cases add column verified_at timestamptz;
