-- Serves the migration tools' whole-table keyset scan: ORDER BY timestamp, id ascending from a cursor.
CREATE INDEX heartbeats_timestamp_id_idx ON heartbeats ("timestamp", id);
