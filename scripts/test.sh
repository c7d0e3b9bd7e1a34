#!/usr/bin/env bash
# The one command that builds every module and runs every test against real servers.
#
#   bash scripts/test.sh [extra Maven arguments]
#
# PostgreSQL: TEST_DATABASE_URL when set; otherwise the local server on 127.0.0.1:5432 (started here
# when it is down and this machine has a cluster), else Testcontainers where Docker runs. sqld
# (libsql-server) is installed and started by the tests themselves unless TEST_TURSO_DATABASE_URL is set.
# With CI=true a missing server fails the tests, never skips them.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PG_HOST=127.0.0.1
PG_PORT=5432

log() {
  printf '[test.sh] %s\n' "$*" >&2
}

postgres_reachable() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
  else
    (exec 3<>"/dev/tcp/$PG_HOST/$PG_PORT") 2>/dev/null
  fi
}

start_local_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d /etc/postgresql ]; then
    log "PostgreSQL is not reachable on $PG_HOST:$PG_PORT and there is no local cluster to start"
    return 0
  fi
  local version
  for version in $(ls /etc/postgresql); do
    log "starting the local PostgreSQL $version cluster"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || log "pg_ctlcluster $version main start failed"
  done
  local waited=0
  until postgres_reachable; do
    if [ "$waited" -ge 30 ]; then
      log "PostgreSQL still not reachable on $PG_HOST:$PG_PORT after 30 s"
      return 0
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "PostgreSQL is up on $PG_HOST:$PG_PORT"
}

# The tests use database "test" as user "postgres" on the local server; create the database if missing.
ensure_test_database() {
  command -v psql >/dev/null 2>&1 || return 0
  local exists
  exists=$(psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'test'" 2>/dev/null || true)
  if [ "$exists" != "1" ]; then
    log "creating database 'test' on $PG_HOST:$PG_PORT"
    psql -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE test" >/dev/null 2>&1 \
      || log "could not create database 'test' (the tests will say what is missing)"
  fi
}

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  if ! postgres_reachable; then
    start_local_postgres
  fi
  if postgres_reachable; then
    ensure_test_database
  fi
fi

exec mvn -B -ntp install "$@"
