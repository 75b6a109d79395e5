"""Each submitted version keeps its sender as sent: the organisation's details and its contact
person when the version arrived (response_version.sender)

Before this, the records of every version showed the response's details as they are now, so
an organisation that changed its name rewrote the record of what it sent earlier.

Versions sent before this migration get the response's details as they stand when it runs:
the best that is known, since what they were at the time was not kept. Categories are named
in the installation's first language, the records' language.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
from flask import current_app, has_app_context
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

response = sa.table(
    'response',
    sa.column('id', sa.Integer()),
    sa.column('organisation_name', sa.String()),
    sa.column('organisation_number', sa.String()),
    sa.column('municipality_code', sa.String()),
    sa.column('may_publish_name', sa.Boolean()),
)
municipality = sa.table('municipality', sa.column('code', sa.String()), sa.column('name', sa.String()))
category = sa.table(
    'organisation_category',
    sa.column('key', sa.String()),
    sa.column('position', sa.Integer()),
    sa.column('name_sv', sa.String()),
    sa.column('name_en', sa.String()),
)
response_category = sa.table(
    'response_category', sa.column('response_id', sa.Integer()), sa.column('category_key', sa.String())
)
contact = sa.table(
    'response_contact',
    sa.column('response_id', sa.Integer()),
    sa.column('name', sa.String()),
    sa.column('email', sa.String()),
)
version = sa.table(
    'response_version',
    sa.column('id', sa.Integer()),
    sa.column('response_id', sa.Integer()),
    sa.column('sender', sa.JSON()),
)


def _records_language():
    languages = current_app.config.get('LANGUAGES') if has_app_context() else None
    return (languages or ('sv',))[0]


def _senders(connection):
    """Every response that has versions, by id, as the snapshot a version keeps."""
    name_column = category.c.name_en if _records_language() == 'en' else category.c.name_sv
    kinds = {}
    for response_id, key, name in connection.execute(
        sa.select(response_category.c.response_id, category.c.key, name_column)
        .join(category, category.c.key == response_category.c.category_key)
        .order_by(response_category.c.response_id, category.c.position)
    ):
        kinds.setdefault(response_id, []).append({'key': key, 'name': name})
    contacts = {
        response_id: {'name': name, 'email': email}
        for response_id, name, email in connection.execute(
            sa.select(contact.c.response_id, contact.c.name, contact.c.email)
        )
    }
    senders = {}
    for row in connection.execute(
        sa.select(
            response.c.id,
            response.c.organisation_name,
            response.c.organisation_number,
            response.c.municipality_code,
            municipality.c.name,
            response.c.may_publish_name,
        )
        .select_from(response.outerjoin(municipality, municipality.c.code == response.c.municipality_code))
        .where(sa.exists().where(version.c.response_id == response.c.id))
    ):
        senders[row[0]] = {
            'organisation_name': row[1],
            'organisation_number': row[2],
            'municipality_code': row[3],
            'municipality_name': row[4],
            'categories': kinds.get(row[0], []),
            'may_publish_name': bool(row[5]),
            'contact': contacts.get(row[0]),
        }
    return senders


def upgrade():
    with op.batch_alter_table('response_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sender', sa.JSON(), nullable=True))

    connection = op.get_bind()
    senders = _senders(connection)
    versions = connection.execute(sa.select(version.c.id, version.c.response_id)).all()
    if versions:
        connection.execute(
            version.update()
            .where(version.c.id == sa.bindparam('version_id'))
            .values(sender=sa.bindparam('snapshot', type_=sa.JSON())),
            [
                {'version_id': version_id, 'snapshot': senders[response_id]}
                for version_id, response_id in versions
            ],
        )


def downgrade():
    with op.batch_alter_table('response_version', schema=None) as batch_op:
        batch_op.drop_column('sender')
