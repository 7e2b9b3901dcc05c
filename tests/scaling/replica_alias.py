"""A real `replica` connection for tests: to this run's test database (a second connection,
so only committed rows are seen, as on a replica) or wherever the changes say."""

import copy
from contextlib import contextmanager

from django.conf import settings
from django.db import connections
from django.test import override_settings

from ppaos.db_routers import forget_replica_freshness


@contextmanager
def real_replica_connection(**changes):
    """A real `replica` connection, to this run's test database (or wherever `changes` say)."""
    default = connections["default"].settings_dict
    replica = {**copy.deepcopy(default), "TEST": {"MIRROR": None}, **changes}
    databases = copy.deepcopy(settings.DATABASES)
    databases["replica"] = replica
    connections.settings["replica"] = replica
    forget_replica_freshness()
    try:
        with override_settings(DATABASES=databases):
            yield
    finally:
        connections["replica"].close()
        del connections["replica"]
        del connections.settings["replica"]
        forget_replica_freshness()
