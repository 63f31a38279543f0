-- 0010: take the audit hash chain off the write path (D6): writers insert audit rows unsealed, with no lock, and a sealer links committed rows into the chain (chain_pos, prev_hash, hash) right after commit.

alter table audit_log
  alter column prev_hash drop not null,
  alter column hash drop not null,
  -- position in the chain, in the order rows were sealed (not seq order: a transaction that commits late
  -- with a low seq is simply sealed later); null until sealed
  add column chain_pos bigint unique,
  add column sealed_at timestamptz;

-- Rows written before this migration were chained in seq order at write time: they are already sealed.
update audit_log set chain_pos = seq, sealed_at = at;

-- A row is either wholly unsealed or wholly sealed; a half-sealed row is a bug or tampering.
alter table audit_log add constraint audit_log_sealed_whole check (
  (chain_pos is null and prev_hash is null and hash is null and sealed_at is null)
  or (chain_pos is not null and prev_hash is not null and hash is not null and sealed_at is not null)
);

-- The sealer's work queue: stays tiny (rows leave it within about a second), so finding pending rows is cheap.
create index audit_unsealed on audit_log (seq) where chain_pos is null;
