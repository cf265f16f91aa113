"""process changes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('process_changes_history',
    sa.Column('history_id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=True),
    sa.Column('period', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('superseded_by_batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['superseded_by_batch_id'], ['batches.id'], name=op.f('fk_process_changes_history_superseded_by_batch_id_batches')),
    sa.PrimaryKeyConstraint('history_id', name=op.f('pk_process_changes_history'))
    )
    with op.batch_alter_table('process_changes_history', schema=None) as batch_op:
        batch_op.create_index('ix_process_changes_history_batch_id', ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_changes_history_superseded_by_batch_id'), ['superseded_by_batch_id'], unique=False)

    op.create_table('process_changes',
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_process_changes_batch_id_batches')),
    sa.ForeignKeyConstraint(['kpi_id'], ['kpis.id'], name=op.f('fk_process_changes_kpi_id_kpis')),
    sa.PrimaryKeyConstraint('kpi_id', 'period', name=op.f('pk_process_changes'))
    )
    with op.batch_alter_table('process_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_changes_batch_id'), ['batch_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('process_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_changes_batch_id'))

    op.drop_table('process_changes')
    with op.batch_alter_table('process_changes_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_changes_history_superseded_by_batch_id'))
        batch_op.drop_index('ix_process_changes_history_batch_id')

    op.drop_table('process_changes_history')
