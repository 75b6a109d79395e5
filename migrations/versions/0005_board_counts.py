"""Board counters kept with each submission, and who an organisation is

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 23:33:03.768570

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('board_count',
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('municipality_code', sa.String(length=4), nullable=False),
    sa.Column('category_key', sa.String(length=40), nullable=False),
    sa.Column('question_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_board_count_consultation_id_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consultation_id', 'municipality_code', 'category_key', 'question_id', 'key', name=op.f('pk_board_count'))
    )
    with op.batch_alter_table('board_count', schema=None) as batch_op:
        batch_op.create_index('ix_board_count_key', ['consultation_id', 'category_key', 'question_id', 'key', 'municipality_code'], unique=False)

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_key', sa.String(length=200), nullable=False, server_default=''))
        batch_op.create_index('ix_response_organisation', ['consultation_id', 'organisation_key'], unique=False)
        batch_op.create_index('ix_response_submitted', ['consultation_id', 'status', 'submitted_at'], unique=False)

    _count_existing_responses()


def _count_existing_responses():
    """Give existing responses their organisation key and existing consultations their
    counters, the same way the application keeps them from now on."""
    from kick_forms.tally import recount
    from kick_forms.models.response import organisation_key

    connection = op.get_bind()
    response = sa.table(
        'response',
        sa.column('id', sa.Integer),
        sa.column('organisation_name', sa.String),
        sa.column('organisation_number', sa.String),
        sa.column('organisation_key', sa.String),
    )
    rows = connection.execute(
        sa.select(response.c.id, response.c.organisation_name, response.c.organisation_number)
    ).all()
    for row in rows:
        connection.execute(
            response.update()
            .where(response.c.id == row.id)
            .values(organisation_key=organisation_key(row.organisation_name or '', row.organisation_number))
        )
    consultations = connection.scalars(sa.text('SELECT DISTINCT consultation_id FROM response')).all()
    for consultation_id in consultations:
        recount(connection, consultation_id)


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_submitted')
        batch_op.drop_index('ix_response_organisation')
        batch_op.drop_column('organisation_key')

    with op.batch_alter_table('board_count', schema=None) as batch_op:
        batch_op.drop_index('ix_board_count_key')

    op.drop_table('board_count')
