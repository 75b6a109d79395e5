"""What a consultation is about, and where it comes from: its documents; the draft plan's text
in chapters of numbered paragraphs, and organisations' comments on them (kept as answers are,
in the draft and in each sent version, reviewed as answers are); the region's feedback per
chapter; questions shown only after a given answer to an earlier one; the templates regions
start from.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consultation_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=1000), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_consultation_template_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_template')),
    sa.UniqueConstraint('key', name=op.f('uq_consultation_template_key'))
    )
    op.create_table('consultation_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_consultation_document_consultation_id_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_document'))
    )
    with op.batch_alter_table('consultation_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_document_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('plan_chapter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_plan_chapter_consultation_id_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_chapter'))
    )
    with op.batch_alter_table('plan_chapter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_chapter_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('plan_paragraph',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chapter_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('paragraph', 'heading', 'list')", name=op.f('ck_plan_paragraph_kind')),
    sa.ForeignKeyConstraint(['chapter_id'], ['plan_chapter.id'], name=op.f('fk_plan_paragraph_chapter_id_plan_chapter'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_paragraph'))
    )
    with op.batch_alter_table('plan_paragraph', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_paragraph_chapter_id'), ['chapter_id'], unique=False)

    op.create_table('paragraph_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('paragraph_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('redacted_text', sa.Text(), nullable=True),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.Column('review_state', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('review_note', sa.String(length=300), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("review_state IN ('pending', 'published', 'hidden', 'redacted')", name=op.f('ck_paragraph_comment_review_state')),
    sa.ForeignKeyConstraint(['paragraph_id'], ['plan_paragraph.id'], name=op.f('fk_paragraph_comment_paragraph_id_plan_paragraph'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_paragraph_comment_response_id_response'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_paragraph_comment_reviewed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['response_version.id'], name=op.f('fk_paragraph_comment_version_id_response_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paragraph_comment')),
    sa.UniqueConstraint('version_id', 'paragraph_id', name=op.f('uq_paragraph_comment_version_id_paragraph_id'))
    )
    with op.batch_alter_table('paragraph_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paragraph_comment_paragraph_id'), ['paragraph_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paragraph_comment_response_id'), ['response_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_paragraph_comment_version_id'), ['version_id'], unique=False)
        batch_op.create_index('uq_paragraph_comment_draft', ['response_id', 'paragraph_id'], unique=True, sqlite_where=sa.text('version_id IS NULL'), postgresql_where=sa.text('version_id IS NULL'))

    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chapter_id', sa.Integer(), nullable=True))
        batch_op.alter_column('section_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index('uq_outcome_chapter', ['chapter_id'], unique=True)
        batch_op.create_foreign_key(batch_op.f('fk_outcome_chapter_id_plan_chapter'), 'plan_chapter', ['chapter_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint('section_or_chapter', 'section_id IS NOT NULL OR chapter_id IS NOT NULL')

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shown_if_question_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('shown_if_option_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('shown_if_value', sa.String(length=16), nullable=True))
        batch_op.create_index(batch_op.f('ix_question_shown_if_question_id'), ['shown_if_question_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_question_shown_if_question_id_question'), 'question', ['shown_if_question_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key('fk_question_shown_if_option_id_question_option', 'question_option', ['shown_if_option_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint('fk_question_shown_if_option_id_question_option', type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_question_shown_if_question_id_question'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_question_shown_if_question_id'))
        batch_op.drop_column('shown_if_value')
        batch_op.drop_column('shown_if_option_id')
        batch_op.drop_column('shown_if_question_id')

    op.execute('DELETE FROM outcome WHERE section_id IS NULL')  # feedback on chapters goes with them
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.drop_constraint('section_or_chapter', type_='check')
        batch_op.drop_constraint(batch_op.f('fk_outcome_chapter_id_plan_chapter'), type_='foreignkey')
        batch_op.drop_index('uq_outcome_chapter')
        batch_op.alter_column('section_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('chapter_id')

    with op.batch_alter_table('paragraph_comment', schema=None) as batch_op:
        batch_op.drop_index('uq_paragraph_comment_draft', sqlite_where=sa.text('version_id IS NULL'), postgresql_where=sa.text('version_id IS NULL'))
        batch_op.drop_index(batch_op.f('ix_paragraph_comment_version_id'))
        batch_op.drop_index(batch_op.f('ix_paragraph_comment_response_id'))
        batch_op.drop_index(batch_op.f('ix_paragraph_comment_paragraph_id'))

    op.drop_table('paragraph_comment')
    with op.batch_alter_table('plan_paragraph', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_paragraph_chapter_id'))

    op.drop_table('plan_paragraph')
    with op.batch_alter_table('plan_chapter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_chapter_consultation_id'))

    op.drop_table('plan_chapter')
    with op.batch_alter_table('consultation_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_document_consultation_id'))

    op.drop_table('consultation_document')
    op.drop_table('consultation_template')
