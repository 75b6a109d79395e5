"""Owned contacts and notes, files per sent version, staff sessions

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 04:36:19.414665

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_staff_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_session_token_hash'))
    )
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_session_user_id'), ['user_id'], unique=False)

    op.create_table('version_attachment',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_version_attachment_attachment_id_attachment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['response_version.id'], name=op.f('fk_version_attachment_version_id_response_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'attachment_id', name=op.f('pk_version_attachment'))
    )
    with op.batch_alter_table('version_attachment', schema=None) as batch_op:
        batch_op.create_index('ix_version_attachment_attachment', ['attachment_id'], unique=False)

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(), nullable=True))
    # A file already attached counts as part of every version sent after it was attached.
    op.execute(
        "INSERT INTO version_attachment (version_id, attachment_id)"
        " SELECT v.id, a.id FROM attachment a"
        " JOIN response_version v ON v.response_id = a.response_id"
        " WHERE v.submitted_at >= a.created_at"
    )

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_region_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_organisation_owner_region_id'), ['owner_region_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_organisation_owner_region_id_region'), 'region', ['owner_region_id'], ['id'], ondelete='SET NULL')

    # The region that first registered an organisation owns its facts and, lacking any record
    # of who added them, its contact persons. Contacts of organisations no region lists have
    # no controller and are deleted.
    op.execute(
        "UPDATE organisation SET owner_region_id = ("
        " SELECT e.region_id FROM register_entry e WHERE e.organisation_id = organisation.id"
        " ORDER BY e.added_at, e.id LIMIT 1)"
    )
    with op.batch_alter_table('organisation_contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE organisation_contact SET region_id = ("
        " SELECT o.owner_region_id FROM organisation o"
        " WHERE o.id = organisation_contact.organisation_id)"
    )
    op.execute("DELETE FROM organisation_contact WHERE region_id IS NULL")
    with op.batch_alter_table('organisation_contact', schema=None) as batch_op:
        batch_op.alter_column('region_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_organisation_contact_region_id'), ['region_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_organisation_contact_region_id_region'), 'region', ['region_id'], ['id'])

    with op.batch_alter_table('register_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notes', sa.Text(), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('register_entry', schema=None) as batch_op:
        batch_op.drop_column('notes')

    with op.batch_alter_table('organisation_contact', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_organisation_contact_region_id_region'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_organisation_contact_region_id'))
        batch_op.drop_column('region_id')

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_organisation_owner_region_id_region'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_organisation_owner_region_id'))
        batch_op.drop_column('owner_region_id')

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_column('removed_at')

    with op.batch_alter_table('version_attachment', schema=None) as batch_op:
        batch_op.drop_index('ix_version_attachment_attachment')

    op.drop_table('version_attachment')
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_session_user_id'))

    op.drop_table('staff_session')
