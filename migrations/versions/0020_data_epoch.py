"""The data epoch: one number raised by every committed change a public page may show, so that
pages many visitors see alike are rendered once per change.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 22:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    epoch = op.create_table(
        'data_epoch',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_epoch')),
    )
    op.bulk_insert(epoch, [{'id': 1, 'value': 0}])


def downgrade():
    op.drop_table('data_epoch')
