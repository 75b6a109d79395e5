"""A contact person's phone number and role in the organisation, as regions' lists have them.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 19:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation_contact') as batch:
        batch.add_column(sa.Column('phone', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('role', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('organisation_contact') as batch:
        batch.drop_column('role')
        batch.drop_column('phone')
