"""A throwaway PostgreSQL database for tests: DATABASE_URL's server, else 127.0.0.1:5432 as on the project's machines."""

from __future__ import annotations

import os
import uuid

POSTGRES_ADMIN_URL = os.environ.get("DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_unavailable_reason() -> str | None:
    try:
        import psycopg

        with psycopg.connect(_libpq(POSTGRES_ADMIN_URL), connect_timeout=3):
            return None
    except Exception as error:  # noqa: BLE001 - any failure means: skip with the reason
        return f"no PostgreSQL reachable at {POSTGRES_ADMIN_URL}: {type(error).__name__}: {error}".strip()


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


class PostgresDatabase:
    """A throwaway database on the PostgreSQL server (created now, dropped by `drop`)."""

    def __init__(self) -> None:
        import psycopg

        self.name = f"dealwise_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(_libpq(POSTGRES_ADMIN_URL), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')
        self.url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + self.name

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(_libpq(POSTGRES_ADMIN_URL), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
