-- heartbeat-store schema, version 2: the migration tools (backfill, verify) page through every
-- heartbeat in (timestamp, id) order; this index lets each page start where the last ended
-- instead of sorting the whole table.
CREATE INDEX IF NOT EXISTS heartbeats_timestamp_id_idx ON heartbeats ("timestamp", id);
