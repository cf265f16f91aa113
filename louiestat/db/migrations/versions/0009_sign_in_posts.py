"""Sign-in posts per client address and minute, for the rate limit every replica shares

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sign_in_posts',
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('minute', sa.Integer(), nullable=False),
        sa.Column('posts', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('address', 'minute', name=op.f('pk_sign_in_posts')),
    )


def downgrade() -> None:
    op.drop_table('sign_in_posts')
