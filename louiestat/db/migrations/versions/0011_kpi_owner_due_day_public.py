"""KPIs name who reports them, the day of the next month their value is due, and whether the public sees them

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite adds a column without copying the table, which its foreign keys would refuse).
    for table, nullable in (('kpis', False), ('kpis_history', True)):
        op.add_column(table, sa.Column('owner_email', sa.String(length=320), nullable=True))
        op.add_column(table, sa.Column('due_day', sa.Integer(), nullable=True))
        op.add_column(table, sa.Column('public', sa.Boolean(), server_default=sa.true(), nullable=nullable))


def downgrade() -> None:
    for table in ('kpis_history', 'kpis'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('public')
            batch_op.drop_column('due_day')
            batch_op.drop_column('owner_email')
