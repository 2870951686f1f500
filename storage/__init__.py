"""The one database every dealwise package writes to: SQLite in the data dir, or PostgreSQL by URL.

Packages declare their tables on `Base` (service tenants and jobs, knowledge-base usage, agent actions,
the audit log) and take an `Engine` from their caller, so they stay unaware of configuration. The schema
is owned by the Alembic migrations in `storage/migrations`, applied by `create_schema` whenever a
process opens the database (the service on start, the CLI before writing).
"""

from __future__ import annotations

import functools
import importlib
import threading
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase

MIGRATIONS = Path(__file__).with_name("migrations")
#: Modules that declare tables on Base (imported for autogenerate and by the tests of the migrations).
MODEL_MODULES = ("service.models", "agent.store", "knowledge_base.usage", "service.integration_models")


class Base(DeclarativeBase):
    """Declarative base shared by every package's tables (one metadata, one migration history)."""


def import_models() -> None:
    for module in MODEL_MODULES:
        importlib.import_module(module)


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


_migrated: set[str] = set()
_migrating = threading.Lock()


def alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def create_schema(engine: Engine) -> None:
    """Bring the database schema up to date (Alembic `upgrade head`), once per engine per process.

    On PostgreSQL an advisory lock keeps two processes starting at once from migrating together.
    """
    from alembic import command

    key = f"{engine.url!r}:{id(engine)}"
    with _migrating:
        if key in _migrated:
            return
        config = alembic_config()
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7431902)")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        _migrated.add(key)


__all__ = ["Base", "create_schema", "import_models", "make_engine"]
