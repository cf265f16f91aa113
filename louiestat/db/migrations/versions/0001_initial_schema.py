"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('inserted', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('undoes_id', sa.Integer(), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['undoes_id'], ['batches.id'], name=op.f('fk_batches_undoes_id_batches')),
    sa.ForeignKeyConstraint(['undone_by_id'], ['batches.id'], name=op.f('fk_batches_undone_by_id_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batches')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batches_sha256'), ['sha256'], unique=False)

    op.create_table('departments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_departments_batch_id_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
    sa.UniqueConstraint('slug', name=op.f('uq_departments_slug')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_departments_batch_id'), ['batch_id'], unique=False)

    op.create_table('departments_history',
    sa.Column('history_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=True),
    sa.Column('slug', sa.String(length=100), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('superseded_by_batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['superseded_by_batch_id'], ['batches.id'], name=op.f('fk_departments_history_superseded_by_batch_id_batches')),
    sa.PrimaryKeyConstraint('history_id', name=op.f('pk_departments_history'))
    )
    with op.batch_alter_table('departments_history', schema=None) as batch_op:
        batch_op.create_index('ix_departments_history_batch_id', ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_departments_history_superseded_by_batch_id'), ['superseded_by_batch_id'], unique=False)

    op.create_table('kpis_history',
    sa.Column('history_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=100), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=True),
    sa.Column('direction', sa.String(length=20), nullable=True),
    sa.Column('target', sa.Float(), nullable=True),
    sa.Column('tolerance_pct', sa.Float(), nullable=True),
    sa.Column('aggregation', sa.String(length=10), nullable=True),
    sa.Column('min_value', sa.Float(), nullable=True),
    sa.Column('max_value', sa.Float(), nullable=True),
    sa.Column('enterprise', sa.Boolean(), nullable=True),
    sa.Column('weight', sa.Float(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('superseded_by_batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['superseded_by_batch_id'], ['batches.id'], name=op.f('fk_kpis_history_superseded_by_batch_id_batches')),
    sa.PrimaryKeyConstraint('history_id', name=op.f('pk_kpis_history'))
    )
    with op.batch_alter_table('kpis_history', schema=None) as batch_op:
        batch_op.create_index('ix_kpis_history_batch_id', ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kpis_history_superseded_by_batch_id'), ['superseded_by_batch_id'], unique=False)

    op.create_table('observations_history',
    sa.Column('history_id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=True),
    sa.Column('period', sa.Date(), nullable=True),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('superseded_by_batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['superseded_by_batch_id'], ['batches.id'], name=op.f('fk_observations_history_superseded_by_batch_id_batches')),
    sa.PrimaryKeyConstraint('history_id', name=op.f('pk_observations_history'))
    )
    with op.batch_alter_table('observations_history', schema=None) as batch_op:
        batch_op.create_index('ix_observations_history_batch_id', ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_observations_history_superseded_by_batch_id'), ['superseded_by_batch_id'], unique=False)

    op.create_table('positions_history',
    sa.Column('history_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('position_id', sa.String(length=100), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('posted_date', sa.Date(), nullable=True),
    sa.Column('filled_date', sa.Date(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('superseded_by_batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['superseded_by_batch_id'], ['batches.id'], name=op.f('fk_positions_history_superseded_by_batch_id_batches')),
    sa.PrimaryKeyConstraint('history_id', name=op.f('pk_positions_history'))
    )
    with op.batch_alter_table('positions_history', schema=None) as batch_op:
        batch_op.create_index('ix_positions_history_batch_id', ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_positions_history_superseded_by_batch_id'), ['superseded_by_batch_id'], unique=False)

    op.create_table('targets_history',
    sa.Column('history_id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('superseded_by_batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['superseded_by_batch_id'], ['batches.id'], name=op.f('fk_targets_history_superseded_by_batch_id_batches')),
    sa.PrimaryKeyConstraint('history_id', name=op.f('pk_targets_history'))
    )
    with op.batch_alter_table('targets_history', schema=None) as batch_op:
        batch_op.create_index('ix_targets_history_batch_id', ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_targets_history_superseded_by_batch_id'), ['superseded_by_batch_id'], unique=False)

    op.create_table('kpis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('direction', sa.String(length=20), nullable=False),
    sa.Column('target', sa.Float(), nullable=True),
    sa.Column('tolerance_pct', sa.Float(), nullable=False),
    sa.Column('aggregation', sa.String(length=10), nullable=True),
    sa.Column('min_value', sa.Float(), nullable=True),
    sa.Column('max_value', sa.Float(), nullable=True),
    sa.Column('enterprise', sa.Boolean(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_kpis_batch_id_batches')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_kpis_department_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpis')),
    sa.UniqueConstraint('department_id', 'key', name=op.f('uq_kpis_department_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('kpis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpis_batch_id'), ['batch_id'], unique=False)

    op.create_table('positions',
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('posted_date', sa.Date(), nullable=False),
    sa.Column('filled_date', sa.Date(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_positions_batch_id_batches')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_positions_department_id_departments')),
    sa.PrimaryKeyConstraint('department_id', 'position_id', name=op.f('pk_positions'))
    )
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_positions_batch_id'), ['batch_id'], unique=False)

    op.create_table('observations',
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_observations_batch_id_batches')),
    sa.ForeignKeyConstraint(['kpi_id'], ['kpis.id'], name=op.f('fk_observations_kpi_id_kpis')),
    sa.PrimaryKeyConstraint('kpi_id', 'period', name=op.f('pk_observations'))
    )
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observations_batch_id'), ['batch_id'], unique=False)

    op.create_table('targets',
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_targets_batch_id_batches')),
    sa.ForeignKeyConstraint(['kpi_id'], ['kpis.id'], name=op.f('fk_targets_kpi_id_kpis')),
    sa.PrimaryKeyConstraint('kpi_id', 'effective_from', name=op.f('pk_targets'))
    )
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_targets_batch_id'), ['batch_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_targets_batch_id'))

    op.drop_table('targets')
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observations_batch_id'))

    op.drop_table('observations')
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_positions_batch_id'))

    op.drop_table('positions')
    with op.batch_alter_table('kpis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpis_batch_id'))

    op.drop_table('kpis')
    with op.batch_alter_table('targets_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_targets_history_superseded_by_batch_id'))
        batch_op.drop_index('ix_targets_history_batch_id')

    op.drop_table('targets_history')
    with op.batch_alter_table('positions_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_positions_history_superseded_by_batch_id'))
        batch_op.drop_index('ix_positions_history_batch_id')

    op.drop_table('positions_history')
    with op.batch_alter_table('observations_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observations_history_superseded_by_batch_id'))
        batch_op.drop_index('ix_observations_history_batch_id')

    op.drop_table('observations_history')
    with op.batch_alter_table('kpis_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpis_history_superseded_by_batch_id'))
        batch_op.drop_index('ix_kpis_history_batch_id')

    op.drop_table('kpis_history')
    with op.batch_alter_table('departments_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_departments_history_superseded_by_batch_id'))
        batch_op.drop_index('ix_departments_history_batch_id')

    op.drop_table('departments_history')
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_departments_batch_id'))

    op.drop_table('departments')
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batches_sha256'))

    op.drop_table('batches')
