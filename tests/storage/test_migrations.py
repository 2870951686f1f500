"""The Alembic migrations build exactly the tables the models declare, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import storage


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        yield storage.make_engine(f"sqlite:///{tmp_path / 'dealwise.db'}")
        return
    from postgres import PostgresDatabase, postgres_unavailable_reason

    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(reason)
    database = PostgresDatabase()
    made = storage.make_engine(database.url)
    yield made
    made.dispose()
    database.drop()


def test_migrations_match_the_models(engine):
    storage.import_models()
    storage.create_schema(engine)
    storage.create_schema(engine)  # idempotent
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), storage.Base.metadata)
        tables = set(inspect(connection).get_table_names())
    assert differences == [], f"a model changed without a migration: {differences}"
    assert set(storage.Base.metadata.tables) <= tables and "alembic_version" in tables
