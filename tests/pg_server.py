"""A throwaway PostgreSQL + PostGIS server for tests and benchmarks.

``PgServer`` creates a cluster with ``initdb`` in a temporary folder, starts it
on a free loopback port (127.0.0.1 only, unix socket in the same folder) and
removes it on ``stop``. PostgreSQL refuses to run as root, so when the tests run
as root (CI containers) the server runs as the ``postgres`` OS user through
``runuser``. No input is ever asked for.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ADMIN = "ar_admin"
ADMIN_PASSWORD = "admin-secret"
DATABASE = "registers"


def find_bindir() -> str | None:
    """The folder holding initdb/pg_ctl, or None when PostgreSQL is not installed."""
    env = os.environ.get("PG_BINDIR")
    if env:  # an explicit choice is the only candidate
        candidates = [env]
    else:
        candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
        which = shutil.which("initdb")
        if which:
            candidates.append(str(Path(which).parent))
    for folder in candidates:
        if folder and Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return folder
    return None


def postgis_available(bindir: str) -> bool:
    share = subprocess.run(
        [str(Path(bindir, "pg_config")), "--sharedir"], capture_output=True, text=True
    ).stdout.strip() if Path(bindir, "pg_config").exists() else ""
    roots = [share] if share else []
    roots += glob.glob("/usr/share/postgresql/*")
    return any(Path(r, "extension", "postgis.control").exists() for r in roots)


def missing_reason() -> str | None:
    """Why a server cannot be started here (None when it can)."""
    bindir = find_bindir()
    if bindir is None:
        return ("PostgreSQL server binaries (initdb, pg_ctl) not found: install the Debian "
                "packages postgresql and postgresql-15-postgis-3, or set PG_BINDIR")
    if not postgis_available(bindir):
        return "PostGIS is not installed for this PostgreSQL: install postgresql-15-postgis-3"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' OS user to run the server as"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """One throwaway cluster. Use ``start()`` / ``stop()`` or as a context manager."""

    def __init__(self, *, fsync: bool = False, settings: dict[str, str] | None = None):
        bindir = find_bindir()
        if bindir is None:
            raise RuntimeError(missing_reason())
        self.bindir = bindir
        self.fsync = fsync
        self.settings = settings or {}
        self.port = 0
        self.folder: Path | None = None
        self._as_postgres = os.geteuid() == 0

    # -- commands ---------------------------------------------------------------------
    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(Path(self.bindir, args[0])), *args[1:]]
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C.UTF-8"
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
        if check and proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def _base_folder(self) -> str | None:
        """The temp folder, unless the server's OS user could not reach it (then /tmp)."""
        base = Path(tempfile.gettempdir()).resolve()
        if not self._as_postgres:
            return None
        reachable = all(os.stat(p).st_mode & 0o001 for p in [base, *base.parents])
        return None if reachable else "/tmp"

    def start(self) -> PgServer:
        self.folder = Path(tempfile.mkdtemp(prefix="ar-pg-", dir=self._base_folder()))
        pwfile = self.folder / "pw"
        pwfile.write_text(ADMIN_PASSWORD + "\n")
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
            shutil.chown(pwfile, "postgres", "postgres")
        data = self.folder / "data"
        self._run("initdb", "-D", str(data), "-U", ADMIN, "--pwfile", str(pwfile),
                  "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                  "--no-instructions", *([] if self.fsync else ["--no-sync"]))
        pwfile.unlink()
        conf = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.folder}'",
            "fsync": "on" if self.fsync else "off",
            "synchronous_commit": "on" if self.fsync else "off",
            "full_page_writes": "on" if self.fsync else "off",
            "max_connections": "60",
            "log_min_messages": "warning",
            **self.settings,
        }
        with open(data / "postgresql.conf", "a") as fh:
            fh.write("".join(f"\n{k} = {v}" for k, v in conf.items()) + "\n")
        for _attempt in range(5):
            self.port = free_port()
            proc = self._run("pg_ctl", "-D", str(data), "-l", str(self.folder / "server.log"),
                             "-o", f"-p {self.port}", "-w", "-t", "60", "start", check=False)
            if proc.returncode == 0:
                break
            time.sleep(0.2)
        else:
            log = (self.folder / "server.log").read_text(errors="replace")
            raise RuntimeError(f"PostgreSQL did not start:\n{proc.stderr}\n{log[-2000:]}")
        self.psql(f"CREATE DATABASE {DATABASE}")
        self.psql("CREATE EXTENSION postgis", db=DATABASE)
        return self

    def psql(self, sql: str, db: str = "postgres") -> str:
        """Run SQL as the superuser over the unix socket; returns stdout."""
        return self._run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(self.folder),
                         "-p", str(self.port), "-U", ADMIN, "-d", db, "-At", "-c", sql).stdout

    def url(self, db: str = DATABASE, user: str = ADMIN, password: str | None = ADMIN_PASSWORD,
            **params: str) -> str:
        auth = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
        query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{db}" + (f"?{query}" if query else "")

    def stop(self) -> None:
        if self.folder is None:
            return
        data = self.folder / "data"
        if data.exists():
            self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
