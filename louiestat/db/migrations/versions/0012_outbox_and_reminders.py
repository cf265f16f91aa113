"""An outbox of mail sent once each, and the reminders of values due that it carries

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=500), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('sender', sa.String(length=320), nullable=False),
        sa.Column('recipient', sa.String(length=320), nullable=False),
        sa.Column('subject', sa.Text(), nullable=False),
        sa.Column('message_id', sa.String(length=300), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
        sa.UniqueConstraint('key', name=op.f('uq_outbox_key')),
        sa.UniqueConstraint('message_id', name=op.f('uq_outbox_message_id')),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_outbox_sent_at'), 'outbox', ['sent_at'])
    op.create_table(
        'reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('recipient', sa.String(length=320), nullable=False),
        sa.Column('department', sa.String(length=100), nullable=False),
        sa.Column('kpi', sa.String(length=100), nullable=False),
        sa.Column('kpi_name', sa.String(length=300), nullable=False),
        sa.Column('outbox_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_reminders_outbox_id_outbox')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_reminders_month_recipient', 'reminders', ['month', 'recipient'])
    op.create_index(op.f('ix_reminders_outbox_id'), 'reminders', ['outbox_id'])


def downgrade() -> None:
    op.drop_table('reminders')
    op.drop_table('outbox')
