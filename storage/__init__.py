"""The one database every dealwise package writes to: SQLite in the data dir, or PostgreSQL by URL.

Packages declare their tables on `Base` (knowledge-base usage, agent actions, the audit log) and take an
`Engine` from their caller, so they stay unaware of configuration; the service owns migrations.
"""

from __future__ import annotations

import functools
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base shared by every package's tables (one metadata for migrations)."""


@functools.cache
def make_engine(url: str) -> Engine:
    """One engine per URL per process; SQLite gets WAL and a busy timeout so the CLI and a server can share it."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def create_schema(engine: Engine) -> None:
    """Create missing tables of every package that has been imported."""
    Base.metadata.create_all(engine)


__all__ = ["Base", "create_schema", "make_engine"]
