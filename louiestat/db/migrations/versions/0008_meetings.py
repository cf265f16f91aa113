"""Stat meetings: meetings, their agenda items and follow-ups, each versioned with a history twin

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agenda_items_history',
    sa.Column('history_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('kpi', sa.String(length=100), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('question', sa.Text(), nullable=True),
    sa.Column('presenter_notes', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('followup_id', sa.Integer(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('superseded_by_batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['superseded_by_batch_id'], ['batches.id'], name=op.f('fk_agenda_items_history_superseded_by_batch_id_batches')),
    sa.PrimaryKeyConstraint('history_id', name=op.f('pk_agenda_items_history'))
    )
    with op.batch_alter_table('agenda_items_history', schema=None) as batch_op:
        batch_op.create_index('ix_agenda_items_history_batch_id', ['batch_id'], unique=False)
        batch_op.create_index('ix_agenda_items_history_superseded', ['superseded_by_batch_id', 'id'], unique=False)

    op.create_table('followups_history',
    sa.Column('history_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('what', sa.Text(), nullable=True),
    sa.Column('owner', sa.String(length=200), nullable=True),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('revised_due', sa.Date(), nullable=True),
    sa.Column('kpi', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('response', sa.Text(), nullable=True),
    sa.Column('closed_by', sa.String(length=320), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('raised_in', sa.Integer(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('superseded_by_batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['superseded_by_batch_id'], ['batches.id'], name=op.f('fk_followups_history_superseded_by_batch_id_batches')),
    sa.PrimaryKeyConstraint('history_id', name=op.f('pk_followups_history'))
    )
    with op.batch_alter_table('followups_history', schema=None) as batch_op:
        batch_op.create_index('ix_followups_history_batch_id', ['batch_id'], unique=False)
        batch_op.create_index('ix_followups_history_superseded', ['superseded_by_batch_id', 'id'], unique=False)

    op.create_table('meetings_history',
    sa.Column('history_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('attendees', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('as_of', sa.String(length=7), nullable=True),
    sa.Column('current_position', sa.Integer(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('superseded_by_batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['superseded_by_batch_id'], ['batches.id'], name=op.f('fk_meetings_history_superseded_by_batch_id_batches')),
    sa.PrimaryKeyConstraint('history_id', name=op.f('pk_meetings_history'))
    )
    with op.batch_alter_table('meetings_history', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_history_batch_id', ['batch_id'], unique=False)
        batch_op.create_index('ix_meetings_history_superseded', ['superseded_by_batch_id', 'id'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('as_of', sa.String(length=7), nullable=False),
    sa.Column('current_position', sa.Integer(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_meetings_batch_id_batches')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_meetings_department_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_department_id'), ['department_id'], unique=False)

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('kpi', sa.String(length=100), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('presenter_notes', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('followup_id', sa.Integer(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_agenda_items_batch_id_batches')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_agenda_items_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_items_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('followups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('revised_due', sa.Date(), nullable=True),
    sa.Column('kpi', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('response', sa.Text(), nullable=True),
    sa.Column('closed_by', sa.String(length=320), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('raised_in', sa.Integer(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_followups_batch_id_batches')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_followups_department_id_departments')),
    sa.ForeignKeyConstraint(['raised_in'], ['meetings.id'], name=op.f('fk_followups_raised_in_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followups')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followups_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followups_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followups_raised_in'), ['raised_in'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followups_raised_in'))
        batch_op.drop_index(batch_op.f('ix_followups_department_id'))
        batch_op.drop_index(batch_op.f('ix_followups_batch_id'))

    op.drop_table('followups')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_items_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_items_batch_id'))

    op.drop_table('agenda_items')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_department_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_batch_id'))

    op.drop_table('meetings')
    with op.batch_alter_table('meetings_history', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_history_superseded')
        batch_op.drop_index('ix_meetings_history_batch_id')

    op.drop_table('meetings_history')
    with op.batch_alter_table('followups_history', schema=None) as batch_op:
        batch_op.drop_index('ix_followups_history_superseded')
        batch_op.drop_index('ix_followups_history_batch_id')

    op.drop_table('followups_history')
    with op.batch_alter_table('agenda_items_history', schema=None) as batch_op:
        batch_op.drop_index('ix_agenda_items_history_superseded')
        batch_op.drop_index('ix_agenda_items_history_batch_id')

    op.drop_table('agenda_items_history')
