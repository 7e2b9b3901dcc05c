#!/bin/sh
# The read replica: on first start, a base backup of the primary with -R (standby.signal and
# primary_conninfo written for us); afterwards PostgreSQL streams the primary's WAL and replays it.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready -h "$PRIMARY_HOST" -U replicator -q; do sleep 2; done
    export PGPASSWORD="$REPLICATION_PASSWORD"
    pg_basebackup -h "$PRIMARY_HOST" -U replicator -D "$PGDATA" -R -X stream -c fast
    chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on
