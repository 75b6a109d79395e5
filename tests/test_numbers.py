"""Numbers are written the reader's way, through Babel: "20 000" in Swedish, "20,000" in
English, in messages from the code, in templates and on the pages people read."""

from __future__ import annotations

import re

from flask import render_template_string
from flask_babel import force_locale
from wtforms import Form, StringField

from kick_forms.extensions import db
from kick_forms.forms import length_limit
from kick_forms.i18n import gettext, lazy_gettext, ngettext
from kick_forms.models import Organisation, RegisterEntry, Role
from tests.conftest import login, make_user, region

SPACE = "\N{NO-BREAK SPACE}"  # Babel's group separator in Swedish


def test_messages_from_the_code_group_their_numbers(app):
    with app.test_request_context():
        assert ngettext("%(num)d row left out.", "%(num)d rows left out.", 20000) == (
            f"20{SPACE}000 rader utelämnade."
        )
        written = lazy_gettext("Write %(min)d or more.", min=1500)
        assert str(written) == f"Skriv 1{SPACE}500 eller mer."
        with force_locale("en"):
            assert gettext("Write %(min)d or more.", min=1500) == "Write 1,500 or more."
        # Small numbers, other formats and texts without variables are as before.
        assert ngettext("%(num)d row left out.", "%(num)d rows left out.", 1) == "1 rad utelämnad."
        assert gettext("100 %") == "100 %"


def test_templates_group_their_numbers_and_still_escape(app):
    with app.test_request_context():
        html = render_template_string(
            '{{ ngettext("%(num)d organisation found", "%(num)d organisations found", n) }}'
            ' · {{ _("%(name)s: at most %(count)d files can be attached.", name=name, count=n) }}',
            n=12345,
            name="<b>",
        )
    assert html == (
        f"12{SPACE}345 organisationer hittades · &lt;b&gt;: högst 12{SPACE}345 filer kan bifogas."
    )


def test_a_length_message_writes_the_limit_and_the_length_typed_the_same_way(app):
    class Letter(Form):
        text = StringField(validators=[length_limit(5000)])

    with app.test_request_context():
        form = Letter(data={"text": "x" * 12000})
        assert not form.validate()
        assert form.text.errors == [
            f"Använd högst 5{SPACE}000 tecken. Du har skrivit 12{SPACE}000."
        ]


def test_a_big_register_counts_its_organisations_with_grouped_digits(app, client):
    skane = region("skane")
    organisations = [
        Organisation(name=f"Förening {n}", name_key=f"forening {n}", owner_region_id=skane.id)
        for n in range(1234)
    ]
    db.session.add_all(organisations)
    db.session.flush()
    db.session.add_all(
        RegisterEntry(region_id=skane.id, organisation_id=each.id) for each in organisations
    )
    db.session.commit()
    login(client, make_user("skane", Role.EDITOR))

    page = client.get("/admin/r/skane/organisations").get_data(as_text=True)

    assert re.search(rf"1{SPACE}234 organisationer hittades", page)
