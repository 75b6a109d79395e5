"""Staff accounts: invitations and resets, two-factor sign-in, a region's sign-in rules, memberships that stop

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 05:40:43.592580

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("purpose IN ('invite', 'reset')", name=op.f('ck_account_token_purpose')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_account_token_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_account_token_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_token_token_hash'))
    )
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_token_user_id'), ['user_id'], unique=False)

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_recovery_code_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_recovery_code_code_hash'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    op.create_table('region_sign_in',
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('two_factor_for_admins', sa.Boolean(), nullable=False),
    sa.Column('two_factor_for_all', sa.Boolean(), nullable=False),
    sa.Column('sso_required', sa.Boolean(), nullable=False),
    sa.Column('oidc_issuer', sa.String(length=300), nullable=True),
    sa.Column('oidc_client_id', sa.String(length=200), nullable=True),
    sa.Column('oidc_client_secret', sa.String(length=300), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_region_sign_in_region_id_region')),
    sa.PrimaryKeyConstraint('region_id', name=op.f('pk_region_sign_in'))
    )
    with op.batch_alter_table('region_membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('method', sa.String(length=16), server_default='password', nullable=False))
        batch_op.add_column(sa.Column('user_agent', sa.String(length=200), server_default='', nullable=False))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_confirmed_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('totp_confirmed_at')
        batch_op.drop_column('totp_secret')

    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_column('user_agent')
        batch_op.drop_column('method')

    with op.batch_alter_table('region_membership', schema=None) as batch_op:
        batch_op.drop_column('deactivated_at')

    op.drop_table('region_sign_in')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))

    op.drop_table('recovery_code')
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_token_user_id'))

    op.drop_table('account_token')
