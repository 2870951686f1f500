"""Alembic environment: runs on the connection `storage.create_schema` hands over (or the URL given to alembic)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from storage import Base, import_models

import_models()  # autogenerate compares every package's tables
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    with create_engine(context.config.get_main_option("sqlalchemy.url")).connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
