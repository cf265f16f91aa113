"""Batches carry the user row of whoever made them (null for the local administrator)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # A plain ADD COLUMN, which SQLite takes with a named REFERENCES: batch mode would copy ``batches`` and
        # then have to drop the table every versioned row refers to.
        op.execute(
            'ALTER TABLE batches ADD COLUMN user_id INTEGER '
            'CONSTRAINT fk_batches_user_id_users REFERENCES users (id)'
        )
        return
    op.add_column('batches', sa.Column('user_id', sa.Integer(), nullable=True))
    op.create_foreign_key(op.f('fk_batches_user_id_users'), 'batches', 'users', ['user_id'], ['id'])


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_batches_user_id_users'), 'batches', type_='foreignkey')
    op.drop_column('batches', 'user_id')
