"""History indexed by the superseding batch and the row's identity, so an undo is set-based

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-09
"""

from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# Each versioned table and its identity (primary key) columns.
IDENTITY = {
    'departments': ['id'],
    'kpis': ['id'],
    'targets': ['kpi_id', 'effective_from'],
    'process_changes': ['kpi_id', 'period'],
    'observations': ['kpi_id', 'period'],
    'positions': ['department_id', 'position_id'],
}


def upgrade() -> None:
    for table, identity in IDENTITY.items():
        with op.batch_alter_table(f'{table}_history', schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_history_superseded_by_batch_id')
            batch_op.create_index(f'ix_{table}_history_superseded', ['superseded_by_batch_id', *identity])


def downgrade() -> None:
    for table in IDENTITY:
        with op.batch_alter_table(f'{table}_history', schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_history_superseded')
            batch_op.create_index(f'ix_{table}_history_superseded_by_batch_id', ['superseded_by_batch_id'])
