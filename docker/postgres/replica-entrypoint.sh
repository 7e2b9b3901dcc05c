#!/bin/sh
# The read replica: on first start, a base backup of the primary with -R (standby.signal and
# primary_conninfo written for us) through a physical replication slot (ppaos_replica), so the
# primary keeps the WAL the replica has not received yet however long it is away (watch the
# slot's retained WAL on the primary: a replica gone for good must have its slot dropped,
# `SELECT pg_drop_replication_slot('ppaos_replica')`). Afterwards PostgreSQL streams the
# primary's WAL and replays it.
set -eu
SLOT=ppaos_replica
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready -h "$PRIMARY_HOST" -U replicator -q; do sleep 2; done
    export PGPASSWORD="$REPLICATION_PASSWORD"
    # -C makes the slot; if it is there already (this replica's data was wiped, the primary's
    # was not) use it as it is.
    if ! pg_basebackup -h "$PRIMARY_HOST" -U replicator -D "$PGDATA" -R -X stream -c fast \
        -C -S "$SLOT"; then
        rm -rf "${PGDATA:?}"/*
        pg_basebackup -h "$PRIMARY_HOST" -U replicator -D "$PGDATA" -R -X stream -c fast -S "$SLOT"
    fi
    chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on
