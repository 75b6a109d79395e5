"""Organisations that want to help start a regional culture alliance where there is none.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 18:10:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'alliance_interest',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('organisation_name', sa.String(length=200), nullable=False),
        sa.Column('municipality_code', sa.String(length=4), nullable=True),
        sa.Column('contact_name', sa.String(length=120), nullable=False),
        sa.Column('contact_email', sa.String(length=254), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        sa.Column('told_at', sa.DateTime(), nullable=True),
        sa.Column('alliance_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_alliance_interest_region_id_region')),
        sa.ForeignKeyConstraint(['municipality_code'], ['municipality.code'], name=op.f('fk_alliance_interest_municipality_code_municipality')),
        sa.ForeignKeyConstraint(['alliance_id'], ['culture_alliance.id'], name=op.f('fk_alliance_interest_alliance_id_culture_alliance'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_alliance_interest')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_alliance_interest_token_hash')),
    )
    op.create_index(op.f('ix_alliance_interest_region_id'), 'alliance_interest', ['region_id'])


def downgrade():
    op.drop_index(op.f('ix_alliance_interest_region_id'), table_name='alliance_interest')
    op.drop_table('alliance_interest')
