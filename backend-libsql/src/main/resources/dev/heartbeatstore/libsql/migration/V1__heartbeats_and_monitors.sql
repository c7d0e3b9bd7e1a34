-- libSQL/SQLite schema, same tables and columns as PostgreSQL.
-- ids: canonical lowercase UUID text; booleans: 0/1; instants: INTEGER microseconds since the epoch (UTC).
CREATE TABLE heartbeats (
  id          TEXT    NOT NULL PRIMARY KEY,
  owner       TEXT    NOT NULL,
  version     TEXT    NOT NULL,
  charging    INTEGER NOT NULL,
  user_id     TEXT    NOT NULL,
  "timestamp" INTEGER NOT NULL
);

-- Serves WHERE user_id = ? AND owner = ? ORDER BY timestamp DESC, id DESC without a sort.
CREATE INDEX heartbeats_user_owner_timestamp_idx
  ON heartbeats (user_id, owner, "timestamp" DESC, id DESC);

CREATE TABLE heartbeat_monitors (
  id           TEXT    NOT NULL PRIMARY KEY,
  phone_id     TEXT    NOT NULL,
  user_id      TEXT    NOT NULL,
  queue_id     TEXT    NOT NULL,
  owner        TEXT    NOT NULL,
  phone_online INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);

CREATE INDEX heartbeat_monitors_user_owner_idx
  ON heartbeat_monitors (user_id, owner);
