-- A host service's own table, managed by the host's own Flyway (flyway_schema_history).
CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL);
