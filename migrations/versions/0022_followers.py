"""Following regions and KICK's national news by e-mail: followers, what they follow, and the
days each got its digest.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 22:29:46.116086

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('follower',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('national', sa.Boolean(), nullable=False),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('opened', sa.Boolean(), nullable=False),
    sa.Column('closing', sa.Boolean(), nullable=False),
    sa.Column('feedback', sa.Boolean(), nullable=False),
    sa.Column('news', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('covered_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follower')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_follower_token_hash'))
    )
    with op.batch_alter_table('follower', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follower_email'), ['email'], unique=False)

    op.create_table('digest_day',
    sa.Column('follower_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['follower_id'], ['follower.id'], name=op.f('fk_digest_day_follower_id_follower'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('follower_id', 'day', name=op.f('pk_digest_day'))
    )
    op.create_table('follower_region',
    sa.Column('follower_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['follower_id'], ['follower.id'], name=op.f('fk_follower_region_follower_id_follower'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_follower_region_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('follower_id', 'region_id', name=op.f('pk_follower_region'))
    )


    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unsubscribe_url', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('unsubscribe_url')

    op.drop_table('follower_region')
    op.drop_table('digest_day')
    with op.batch_alter_table('follower', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follower_email'))

    op.drop_table('follower')
