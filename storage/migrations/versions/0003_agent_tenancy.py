"""agent tables belong to a tenant

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 09:00:00

Adds `tenant_id` to agent_actions, agent_audit and agent_connector_records. Existing rows (written by the
CLI, which has no tenant) become tenant `default`. Idempotency keys become unique per tenant, and the
audit log becomes one hash chain per tenant: primary key (tenant_id, seq), prev_hash unique per tenant.
The default tenant's keys and hashes are computed as before, so its existing chain still verifies.

SQLite cannot alter constraints in place: batch mode copies the table, and `NAMING` names the unnamed
constraints it reflects there so they can be dropped. PostgreSQL altered in place names them itself,
so the names to drop are read from the database.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

NAMING = {"pk": "pk_%(table_name)s", "uq": "uq_%(table_name)s_%(column_0_name)s"}
TABLES = ("agent_actions", "agent_audit", "agent_connector_records")


def _primary_key_name(table: str) -> str:
    return sa.inspect(op.get_bind()).get_pk_constraint(table).get("name") or NAMING["pk"] % {"table_name": table}


def _unique_name(table: str, columns: list[str]) -> str:
    for constraint in sa.inspect(op.get_bind()).get_unique_constraints(table):
        if constraint["column_names"] == columns:
            return constraint["name"] or NAMING["uq"] % {"table_name": table, "column_0_name": columns[0]}
    raise LookupError(f"{table} has no unique constraint on {', '.join(columns)}")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, naming_convention=NAMING) as batch_op:
            batch_op.add_column(sa.Column('tenant_id', sa.String(length=32), server_default='default', nullable=False))
            batch_op.create_index(batch_op.f(f'ix_{table}_tenant_id'), ['tenant_id'], unique=False)

    key = _unique_name('agent_actions', ['idempotency_key'])
    with op.batch_alter_table('agent_actions', naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint(key, type_='unique')
        batch_op.create_unique_constraint('uq_agent_actions_tenant_key', ['tenant_id', 'idempotency_key'])

    primary, prev_hash = _primary_key_name('agent_audit'), _unique_name('agent_audit', ['prev_hash'])
    with op.batch_alter_table('agent_audit', naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint(prev_hash, type_='unique')
        batch_op.drop_constraint(primary, type_='primary')
        batch_op.create_primary_key('pk_agent_audit', ['tenant_id', 'seq'])
        batch_op.create_unique_constraint('uq_agent_audit_tenant_prev_hash', ['tenant_id', 'prev_hash'])


def downgrade() -> None:
    # One chain and one key space again: only possible while every row is the default tenant's.
    bind = op.get_bind()
    for table in TABLES:
        if bind.execute(sa.text(f"SELECT COUNT(*) FROM {table} WHERE tenant_id <> 'default'")).scalar():
            raise RuntimeError(f"{table} holds rows of tenants other than 'default'; downgrading would merge tenants. "
                               "Move or delete those rows first.")

    with op.batch_alter_table('agent_audit', naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint('uq_agent_audit_tenant_prev_hash', type_='unique')
        batch_op.drop_constraint(_primary_key_name('agent_audit'), type_='primary')
        batch_op.create_primary_key('pk_agent_audit', ['seq'])
        batch_op.create_unique_constraint('uq_agent_audit_prev_hash', ['prev_hash'])

    with op.batch_alter_table('agent_actions', naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint('uq_agent_actions_tenant_key', type_='unique')
        batch_op.create_unique_constraint('uq_agent_actions_idempotency_key', ['idempotency_key'])

    for table in reversed(TABLES):
        with op.batch_alter_table(table, naming_convention=NAMING) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_tenant_id'))
            batch_op.drop_column('tenant_id')
