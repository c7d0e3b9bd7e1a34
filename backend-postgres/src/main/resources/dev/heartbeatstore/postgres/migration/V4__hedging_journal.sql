-- heartbeat-store schema, version 4: the hedging journal (docs/hedging.md).
-- A store that is the primary of the hedging backend writes one row here per key it changed, in the same
-- statement as the change: the durable list of what the secondary still owes. The relay reads it in seq
-- order, makes the secondary match the primary for each key, and deletes the rows it applied.
CREATE TABLE IF NOT EXISTS heartbeat_journal (
  seq           bigserial PRIMARY KEY,
  created_at_ms bigint    NOT NULL DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
  entity        text      NOT NULL,  -- heartbeat | monitor | heartbeats_of_user
  entity_key    text      NOT NULL,  -- a heartbeat or monitor id, or a user id
  attempts      integer   NOT NULL DEFAULT 0
);

-- Entries the secondary refused for their content (never for its health): set aside so they do not
-- block the entries behind them, kept for an operator (`heartbeat journal` lists them).
CREATE TABLE IF NOT EXISTS heartbeat_journal_dead (
  seq           bigint  PRIMARY KEY,
  created_at_ms bigint  NOT NULL,
  entity        text    NOT NULL,
  entity_key    text    NOT NULL,
  attempts      integer NOT NULL,
  failed_at_ms  bigint  NOT NULL,
  reason        text    NOT NULL
);

-- One relay drains the journal at a time, however many service instances share the database.
CREATE TABLE IF NOT EXISTS heartbeat_journal_lease (
  name          text   PRIMARY KEY,
  holder        text,
  expires_at_ms bigint NOT NULL
);
INSERT INTO heartbeat_journal_lease (name, holder, expires_at_ms) VALUES ('relay', NULL, 0)
  ON CONFLICT (name) DO NOTHING;
