"""Durable push queue: prompts not yet pushed to WeCom/DingTalk (integration_push_jobs)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('integration_push_jobs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('tenant_id', sa.String(length=32), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('conversation_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claim', sa.String(length=32), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('integration_push_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_integration_push_jobs_chat', ['conversation_id', 'kind', 'status'], unique=False)
        batch_op.create_index('ix_integration_push_jobs_claim', ['claim'], unique=False)
        batch_op.create_index('ix_integration_push_jobs_status_id', ['status', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('integration_push_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_integration_push_jobs_status_id')
        batch_op.drop_index('ix_integration_push_jobs_claim')
        batch_op.drop_index('ix_integration_push_jobs_chat')

    op.drop_table('integration_push_jobs')
