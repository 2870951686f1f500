"""Fixtures shared by the integration tests that run on both databases."""

from __future__ import annotations

import pytest

from postgres import PostgresDatabase, postgres_unavailable_reason


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request):
    """None (SQLite in the test's data dir), or a fresh PostgreSQL database dropped afterwards; PostgreSQL is
    skipped, saying why, where none is reachable."""
    if request.param == "sqlite":
        yield None
        return
    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(reason)
    database = PostgresDatabase()
    try:
        yield database.url
    finally:
        database.drop()
