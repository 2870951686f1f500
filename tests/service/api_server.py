"""A real dealwise server for the API tests: `dealwise serve` in a subprocess on a free loopback port.

Each server gets its own data dir and database: SQLite in the data dir, or a fresh PostgreSQL database
created for it and dropped afterwards (PostgreSQL from DATABASE_URL, else 127.0.0.1:5432 as on the
project's machines).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from postgres import PostgresDatabase, postgres_unavailable_reason  # noqa: F401 - re-exported for the API tests

REPO = Path(__file__).resolve().parents[2]
DEALWISE = str(Path(sys.executable).parent / "dealwise")
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path, database_url: str | None = None, **settings: str) -> None:
        self.data_dir = data_dir
        self.env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "DEALWISE_DATA_DIR": str(data_dir),
            # the bundled models are assembled and the objection classifier trained once for the whole suite
            "DEALWISE_MODEL_DIR": str(REPO / ".dealwise" / "models"),
            **{f"DEALWISE_{k.upper()}": v for k, v in settings.items()},
        }
        self.env.pop("DATABASE_URL", None)
        if database_url:
            self.env["DEALWISE_DATABASE_URL"] = database_url
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([DEALWISE, *args], capture_output=True, text=True, env=self.env, cwd=REPO, timeout=300)

    def start(self, timeout: float = 120) -> Server:
        log = open(self.data_dir / f"server-{time.time_ns()}.log", "w")  # noqa: SIM115 - lives as long as the process
        self.process = subprocess.Popen(
            [DEALWISE, "serve", "--port", str(self.port)], env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {Path(log.name).read_text()[-3000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server did not start in time")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def kill(self) -> None:
        """kill -9: no shutdown hooks run, as in a crash."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def tenant(self, name: str) -> Tenant:
        result = self.cli("admin", "create-tenant", name, "--json")
        assert result.returncode == 0, result.stderr
        created = json.loads(result.stdout)
        return Tenant(self, created["tenant_id"], created["api_key"])


class Tenant:
    def __init__(self, server: Server, tenant_id: str, admin_key: str) -> None:
        self.server, self.id, self.admin_key = server, tenant_id, admin_key

    def key(self, role: str, rep_id: str | None = None) -> str:
        args = ["admin", "create-key", "--tenant", self.id, "--role", role, "--json"] + (["--rep-id", rep_id] if rep_id else [])
        result = self.server.cli(*args)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)["api_key"]

    def client(self, role: str = "admin") -> httpx.Client:
        key = self.admin_key if role == "admin" else self.key(role)
        return httpx.Client(base_url=self.server.url, headers={"Authorization": f"Bearer {key}"}, timeout=300)


@contextmanager
def running_server(database: str, data_dir: Path, **settings: str) -> Iterator[Server]:
    """A started server on "sqlite" (in its data dir) or "postgres" (a fresh database, dropped afterwards;
    the test is skipped, saying why, where no PostgreSQL is reachable)."""
    postgres = None
    if database == "postgres":
        reason = postgres_unavailable_reason()
        if reason:
            pytest.skip(reason)
        postgres = PostgresDatabase()
    server = Server(data_dir, postgres.url if postgres else None, **settings)
    try:
        yield server.start()
    finally:
        server.stop()
        if postgres:
            postgres.drop()
