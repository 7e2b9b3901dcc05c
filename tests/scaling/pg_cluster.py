"""Throw-away PostgreSQL clusters for the replica test: a primary made with initdb and a streaming
replica made from it with `pg_basebackup -R`, in a temporary folder, on free ports.

The shared server (127.0.0.1:5432) does not accept replication connections (its pg_hba.conf has
no `replication` line) and changing that would touch a server others use, so the test builds its
own primary too. PostgreSQL's programs refuse to run as root: under root (CI) they run as the
`postgres` user (runuser), in a folder that user owns.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

BIN = Path(os.environ.get("PPAOS_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        _as_postgres(command), check=True, capture_output=True, text=True, timeout=120, **kwargs
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, root: Path, name: str, port: int):
        self.root, self.data, self.port = root, root / name, port
        self.log = root / f"{name}.log"

    def url(self, database: str = "ppaos") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        run([str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
             "start"])  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                _as_postgres(
                    [str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]
                ),  # fmt: skip
                capture_output=True,
                timeout=60,
            )

    def sql(self, query: str, database: str = "ppaos") -> str:
        """One query through psql (-At: the bare value)."""
        result = subprocess.run(
            [
                str(BIN / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-Atc",
                query,
            ],  # fmt: skip
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return result.stdout.strip()


class PrimaryAndReplica:
    """`with PrimaryAndReplica() as pair:` — both running; stopped and removed afterwards."""

    def __enter__(self):
        self.root = Path(tempfile.mkdtemp(prefix="ppaos-replica-"))
        if os.geteuid() == 0:
            postgres = pwd.getpwnam("postgres")
            os.chown(self.root, postgres.pw_uid, postgres.pw_gid)
        self.root.chmod(0o700)
        self.primary = Cluster(self.root, "primary", free_port())
        self.replica = Cluster(self.root, "replica", free_port())
        try:
            self._make_primary()
            self.primary.start()
            self.primary.sql("CREATE DATABASE ppaos", database="postgres")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _make_primary(self) -> None:
        run([str(BIN / "initdb"), "-D", str(self.primary.data), "-U", "postgres",
             "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"])  # fmt: skip
        settings = "\n".join(
            [
                f"port = {self.primary.port}",
                "listen_addresses = '127.0.0.1'",
                f"unix_socket_directories = '{self.root}'",
                "wal_level = replica",
                "max_wal_senders = 4",
                "hot_standby = on",
                "fsync = off",  # a throw-away cluster: no need to survive a power cut
                "synchronous_commit = off",
                "shared_buffers = 32MB",
            ]
        )
        with open(self.primary.data / "postgresql.conf", "a") as conf:
            conf.write(f"\n{settings}\n")
        # initdb --auth=trust already lets replication in over 127.0.0.1; say it plainly.
        with open(self.primary.data / "pg_hba.conf", "a") as hba:
            hba.write("\nhost replication all 127.0.0.1/32 trust\n")

    def start_replica(self) -> None:
        """`pg_basebackup -R` from the running primary, then the standby on its own port."""
        run([str(BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.primary.port),
             "-U", "postgres", "-D", str(self.replica.data), "-R", "-X", "stream",
             "-c", "fast"])  # fmt: skip
        # -R wrote standby.signal and primary_conninfo; the copied postgresql.conf names the
        # primary's port, so the standby's own settings go last (postgresql.auto.conf wins).
        with open(self.replica.data / "postgresql.auto.conf", "a") as conf:
            conf.write(f"\nport = {self.replica.port}\n")
        self.replica.start()

    def wait_for_replay(self, timeout: float = 60) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        target = self.primary.sql("SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            caught_up = self.replica.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
            if caught_up == "t":
                return
            time.sleep(0.2)
        raise TimeoutError(f"the replica did not reach {target} within {timeout} s")

    def __exit__(self, *exc):
        for cluster in (getattr(self, "replica", None), getattr(self, "primary", None)):
            if cluster is not None:
                cluster.stop()
        shutil.rmtree(self.root, ignore_errors=True)
