"""Meetings record when they started and ended, so one marked held says when it was held

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TABLES = ('meetings', 'meetings_history')
COLUMNS = ('started_at', 'ended_at')


def upgrade() -> None:
    for table in TABLES:
        for column in COLUMNS:
            op.add_column(table, sa.Column(column, sa.DateTime(), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35 and PostgreSQL): batch mode would copy ``meetings`` and then have to drop
    # the table agenda items and follow-ups refer to.
    for table in TABLES:
        for column in COLUMNS:
            op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
