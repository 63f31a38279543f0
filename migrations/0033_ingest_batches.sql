-- 0033: which JetStream messages each committed telemetry batch held, written in the batch's own transaction, so a message redelivered after a node wrote it but died before acking is recognised and acked instead of stored twice.
create table ingest_batches (
  id bigserial primary key,
  -- the JetStream stream the sequences belong to (NATS_STREAM)
  stream text not null,
  first_seq bigint not null,
  last_seq bigint not null,
  -- the batch's stream sequences as runs, flattened start,end pairs ({5,9,12,12}: 5..9 and 12); a node pulls
  -- contiguous runs, so a batch of thousands of messages is a few numbers, and a row per batch, not per reading
  ranges bigint[] not null,
  written_at timestamptz not null default now()
);
create index ingest_batches_range on ingest_batches (stream, last_seq);
create index ingest_batches_written on ingest_batches (written_at);
