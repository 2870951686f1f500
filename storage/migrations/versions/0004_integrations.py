"""WeCom and DingTalk: encrypted platform settings, callback nonces, processed message ids, chat links

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 06:48:51.145046
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('integration_messages',
    sa.Column('tenant_id', sa.String(length=32), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('msg_id', sa.String(length=128), nullable=False),
    sa.Column('chat_id', sa.String(length=128), nullable=True),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'platform', 'msg_id')
    )
    op.create_table('integration_nonces',
    sa.Column('tenant_id', sa.String(length=32), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('nonce', sa.String(length=128), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'platform', 'nonce')
    )
    with op.batch_alter_table('integration_nonces', schema=None) as batch_op:
        batch_op.create_index('ix_integration_nonces_seen_at', ['seen_at'], unique=False)

    op.create_table('integration_settings',
    sa.Column('tenant_id', sa.String(length=32), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('encrypted', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'platform')
    )
    op.create_table('integration_chats',
    sa.Column('tenant_id', sa.String(length=32), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.String(length=128), nullable=False),
    sa.Column('conversation_id', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'platform', 'chat_id')
    )


def downgrade() -> None:
    op.drop_table('integration_chats')
    op.drop_table('integration_settings')
    with op.batch_alter_table('integration_nonces', schema=None) as batch_op:
        batch_op.drop_index('ix_integration_nonces_seen_at')

    op.drop_table('integration_nonces')
    op.drop_table('integration_messages')
