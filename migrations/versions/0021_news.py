"""News: KICK's national news and each region's, published now or at a set time.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 22:18:00.952381

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('news_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_news_item_consultation_id_consultation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_news_item_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_item'))
    )
    with op.batch_alter_table('news_item', schema=None) as batch_op:
        batch_op.create_index('ix_news_item_public', ['status', 'published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_news_item_region_id'), ['region_id'], unique=False)



def downgrade():
    with op.batch_alter_table('news_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_news_item_region_id'))
        batch_op.drop_index('ix_news_item_public')

    op.drop_table('news_item')
