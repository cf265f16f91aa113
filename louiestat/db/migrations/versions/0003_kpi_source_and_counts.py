"""KPI source (reported or derived from hiring records) and the case count behind a monthly mean

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('kpis', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=20), server_default='reported', nullable=False))
    with op.batch_alter_table('kpis_history', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=20), nullable=True))
    # Older databases derived time to fill from its key; declare it, so they keep behaving as before.
    op.execute("UPDATE kpis SET source = 'hiring' WHERE key = 'time_to_fill'")
    op.execute("UPDATE kpis_history SET source = CASE WHEN key = 'time_to_fill' THEN 'hiring' ELSE 'reported' END")
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('count', sa.Float(), nullable=True))
    with op.batch_alter_table('observations_history', schema=None) as batch_op:
        batch_op.add_column(sa.Column('count', sa.Float(), nullable=True))
    # Time to fill already stored gets the number of positions filled in its month, so its roll-ups are weighted.
    same_month = (
        "strftime('%Y-%m', p.filled_date) = strftime('%Y-%m', observations.period)"
        if op.get_bind().dialect.name == "sqlite"
        else "date_trunc('month', p.filled_date) = observations.period"
    )
    op.execute(
        "UPDATE observations SET count = (SELECT COUNT(*) FROM positions p JOIN kpis k "
        "ON k.department_id = p.department_id WHERE k.id = observations.kpi_id AND p.filled_date >= p.posted_date "
        f"AND {same_month}) WHERE kpi_id IN (SELECT id FROM kpis WHERE source = 'hiring')"
    )


def downgrade() -> None:
    with op.batch_alter_table('observations_history', schema=None) as batch_op:
        batch_op.drop_column('count')
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.drop_column('count')
    with op.batch_alter_table('kpis_history', schema=None) as batch_op:
        batch_op.drop_column('source')
    with op.batch_alter_table('kpis', schema=None) as batch_op:
        batch_op.drop_column('source')
