"""Quiet-chat summaries: when a chat's newest unsummarized message arrived (integration_chats.last_unsummarized_at)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 08:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL for chats taken in before this revision: they get a quiet summary after their next message, not
    # all at once on upgrade.
    with op.batch_alter_table('integration_chats', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_unsummarized_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_integration_chats_last_unsummarized_at', ['last_unsummarized_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('integration_chats', schema=None) as batch_op:
        batch_op.drop_index('ix_integration_chats_last_unsummarized_at')
        batch_op.drop_column('last_unsummarized_at')
