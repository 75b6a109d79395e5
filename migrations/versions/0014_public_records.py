"""A region's duties as a public authority: records, review before publishing, answers
received outside the form

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

REVIEW_STATES = "review_state IN ('pending', 'published', 'hidden', 'redacted')"


def _review_columns(batch_op, table):
    batch_op.add_column(
        sa.Column('review_state', sa.String(length=16), nullable=False, server_default='pending')
    )
    batch_op.add_column(sa.Column('review_note', sa.String(length=300), nullable=True))
    batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(), nullable=True))
    batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
    batch_op.create_foreign_key(
        op.f(f'fk_{table}_reviewed_by_id_user'), 'user', ['reviewed_by_id'], ['id'], ondelete='SET NULL'
    )
    batch_op.create_check_constraint(op.f(f'ck_{table}_review_state'), REVIEW_STATES)


def upgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registry_number', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('registrar_email', sa.String(length=254), nullable=True))
        batch_op.add_column(
            sa.Column(
                'review_before_publishing', sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('channel', sa.String(length=16), nullable=False, server_default='form')
        )
        batch_op.add_column(sa.Column('entered_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f('fk_response_entered_by_id_user'), 'user', ['entered_by_id'], ['id'], ondelete='SET NULL'
        )
        batch_op.create_check_constraint(
            op.f('ck_response_channel'), "channel IN ('form', 'email', 'post', 'meeting')"
        )

    with op.batch_alter_table('response_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('answer', schema=None) as batch_op:
        _review_columns(batch_op, 'answer')
        batch_op.add_column(sa.Column('redacted_text', sa.Text(), nullable=True))

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        _review_columns(batch_op, 'attachment')

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment_source', sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('attachment_source')

    for table in ('attachment', 'answer'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == 'answer':
                batch_op.drop_column('redacted_text')
            batch_op.drop_constraint(op.f(f'ck_{table}_review_state'), type_='check')
            batch_op.drop_constraint(op.f(f'fk_{table}_reviewed_by_id_user'), type_='foreignkey')
            for column in ('reviewed_by_id', 'reviewed_at', 'review_note', 'review_state'):
                batch_op.drop_column(column)

    with op.batch_alter_table('response_version', schema=None) as batch_op:
        batch_op.drop_column('received_at')

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_response_channel'), type_='check')
        batch_op.drop_constraint(op.f('fk_response_entered_by_id_user'), type_='foreignkey')
        batch_op.drop_column('entered_by_id')
        batch_op.drop_column('channel')

    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_column('review_before_publishing')
        batch_op.drop_column('registrar_email')
        batch_op.drop_column('registry_number')
