-- Facts about this database itself. database_id is drawn once, when this version is applied, so that the
-- migration tools can tell one database from another behind the same URL (a backfill checkpoint is bound
-- to the databases it was written against; docs in migration/README.md).
CREATE TABLE heartbeat_store_meta (
  name  TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO heartbeat_store_meta (name, value) VALUES ('database_id', lower(hex(randomblob(16))));
