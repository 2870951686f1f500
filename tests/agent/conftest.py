"""Fixtures for the agent tests: a database per test (SQLite, and PostgreSQL when reachable), a real local
HTTP server as the receiving system of the webhook connector, deals and conversations."""

from __future__ import annotations

import os
import uuid

import pytest
from agent_support import Receiver
from sqlalchemy import create_engine, text

import agent.store  # noqa: F401 - registers the tables
from storage import create_schema

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


def _pg_reachable(url: str) -> str | None:
    """None when PostgreSQL answers at `url`, else why not (for the skip reason)."""
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 2})
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as error:  # noqa: BLE001 - any failure means: skip with the reason
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request, tmp_path):
    """An empty database with the agent tables. `postgres` uses DATABASE_URL when it names a PostgreSQL server
    (else postgres@127.0.0.1:5432/test) and runs in a schema of its own, dropped afterwards."""
    if request.param == "sqlite":
        made = create_engine(f"sqlite:///{tmp_path / 'agent.db'}")
        create_schema(made)
        yield made
        made.dispose()
        return
    url = _postgres_url() or PG_URL
    why = _pg_reachable(url)
    if why:
        pytest.skip(f"PostgreSQL not reachable at {url.split('@')[-1]} ({why}); set DATABASE_URL to run the Postgres variant")
    schema = f"dw_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    made = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    create_schema(made)
    try:
        yield made
    finally:
        made.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.close()
