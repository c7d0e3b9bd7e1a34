-- heartbeat-store schema, version 1: the upstream tables and columns.
-- IF NOT EXISTS: a host that already has the upstream tables (same names and columns) keeps them
-- and its rows; this library then only adds what is missing, such as the indexes.

CREATE TABLE IF NOT EXISTS heartbeats (
  id          uuid        PRIMARY KEY,
  owner       text        NOT NULL,
  version     text        NOT NULL,
  charging    boolean     NOT NULL,
  user_id     text        NOT NULL,
  "timestamp" timestamptz NOT NULL
);

-- Serves WHERE user_id = ? AND owner = ? ORDER BY timestamp DESC, id DESC LIMIT ? without a sort,
-- and, by its user_id prefix, DELETE ... WHERE user_id = ?.
CREATE INDEX IF NOT EXISTS heartbeats_user_owner_timestamp_idx
  ON heartbeats (user_id, owner, "timestamp" DESC, id DESC);

CREATE TABLE IF NOT EXISTS heartbeat_monitors (
  id           uuid        PRIMARY KEY,
  phone_id     uuid        NOT NULL,
  user_id      text        NOT NULL,
  queue_id     text        NOT NULL,
  owner        text        NOT NULL,
  phone_online boolean     NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);

-- Serves load and delete (user_id, owner) and, by its prefix, deleteAllForUser.
CREATE INDEX IF NOT EXISTS heartbeat_monitors_user_owner_idx
  ON heartbeat_monitors (user_id, owner);
