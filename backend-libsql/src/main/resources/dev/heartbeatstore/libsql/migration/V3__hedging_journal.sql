-- The hedging journal (docs/hedging.md), as in PostgreSQL's version 4.
-- A store that is the primary of the hedging backend writes one row here per key it changed, in the same
-- transaction as the change: the durable list of what the secondary still owes. The relay reads it in seq
-- order, makes the secondary match the primary for each key, and deletes the rows it applied.
-- AUTOINCREMENT: a seq is never reused, even once the table has been emptied.
CREATE TABLE heartbeat_journal (
  seq           INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at_ms INTEGER NOT NULL DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)),
  entity        TEXT    NOT NULL,
  entity_key    TEXT    NOT NULL,
  attempts      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE heartbeat_journal_dead (
  seq           INTEGER NOT NULL PRIMARY KEY,
  created_at_ms INTEGER NOT NULL,
  entity        TEXT    NOT NULL,
  entity_key    TEXT    NOT NULL,
  attempts      INTEGER NOT NULL,
  failed_at_ms  INTEGER NOT NULL,
  reason        TEXT    NOT NULL
);

CREATE TABLE heartbeat_journal_lease (
  name          TEXT    NOT NULL PRIMARY KEY,
  holder        TEXT,
  expires_at_ms INTEGER NOT NULL
);
INSERT INTO heartbeat_journal_lease (name, holder, expires_at_ms) VALUES ('relay', NULL, 0);
