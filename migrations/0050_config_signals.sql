-- 0050: a signal at commit whenever areas or taxonomy versions change, whoever changes them (the API, an import, a DBA in psql), so every node can keep what intake asks of them (is this place disabled? which taxonomy version is current?) instead of asking the database for every case (#19, bench:intake).

create function config_changed() returns trigger language plpgsql as $$
begin
  perform pg_notify('civicgrid_config', tg_argv[0]);
  return null;
end $$;

create trigger areas_changed after insert or update or delete or truncate on areas for each statement execute function config_changed('areas');
create trigger taxonomy_versions_changed after insert or update or delete or truncate on taxonomy_versions for each statement execute function config_changed('taxonomy');
