"""The faster ``html_params`` writes WTForms' attribute markup to the byte."""

from __future__ import annotations

import wtforms.widgets.core
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from kick_forms.form_markup import html_params, wtforms_html_params
from kick_forms.responses.forms import RespondentForm

_KEYS = st.sampled_from(
    ["id", "name", "class_", "value", "data_kinds", "aria_describedby", "for_", "type", "x-y"]
)
_VALUES = st.one_of(
    st.booleans(),
    st.integers(),
    st.text(),
    st.text().map(Markup),  # a value already marked safe keeps its tags, not its quotes
    st.sampled_from(['a "quoted" <b>word</b> & more', Markup('<i title="x">')]),
)


@given(st.dictionaries(_KEYS, _VALUES, max_size=6))
def test_the_same_markup_as_wtforms_for_any_attributes(attributes):
    ours = html_params(**attributes)
    assert ours == wtforms_html_params(**attributes)
    assert isinstance(ours, Markup)


def test_a_rendered_form_is_the_same_with_either(app, monkeypatch):
    # The app renders with ours (create_app installs it), so the comparison below is of two.
    assert wtforms.widgets.core.Input.html_params is html_params
    assert wtforms.widgets.html_params is html_params
    with app.test_request_context():
        form = RespondentForm(meta={"csrf": False})
        form.municipality.choices = [("0780", 'Växjö "city"')]
        form.categories.choices = [("choir", "Kör & orkester")]
        form.organisation_name.data = 'Föreningen "<Kultur>"'
        ours = [str(field()) for field in form] + [str(form.organisation_name.label)]
        monkeypatch.setattr(wtforms.widgets.core, "html_params", wtforms_html_params)
        monkeypatch.setattr(
            wtforms.widgets.core.Input, "html_params", staticmethod(wtforms_html_params)
        )
        monkeypatch.setattr("wtforms.widgets.html_params", wtforms_html_params)
        theirs = [str(field()) for field in form] + [str(form.organisation_name.label)]
    assert ours == theirs
