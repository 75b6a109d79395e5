"""The board counts the free texts it withholds from the answers of one question in one review
state, not from every submitted response.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 16:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_answer_question_review', 'answer', ['question_id', 'review_state'])


def downgrade():
    op.drop_index('ix_answer_question_review', table_name='answer')
