-- 0020: versioned taxonomy — admins change category deadlines without a deploy; each change is a new numbered version, and a case records the version its handling clock was started under.

-- One row per version; `categories` holds the deadline-relevant settings of every leaf category
-- ([{code, deadlineHours, workingTime, urgent}]), so an old version can be read back as it was.
create table taxonomy_versions (
  version integer primary key check (version > 0),
  categories jsonb not null,
  note text not null default '',
  created_by uuid references users (id),
  created_at timestamptz not null default now()
);

-- null: the clock has not started yet (or started before versions existed)
alter table cases add column taxonomy_version integer references taxonomy_versions (version);
