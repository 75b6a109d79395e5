"""Arbitrary input to every route never makes a server error, nor changes another region.

Every GET route gets arbitrary query strings; every route that takes a POST gets arbitrary
form fields (its own fields among them) with a valid CSRF token, as a visitor who may post it;
every private link gets arbitrary tokens. Routes come from the URL map, as in the matrix.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from kick_forms.models import Role
from tests.routes import (
    Links,
    all_rules,
    consultation_for,
    fill,
    other_region,
    route_methods,
    snapshot,
    staff,
    visitor,
)

EXAMPLES = settings(
    max_examples=4,
    deadline=None,
    database=None,  # no examples kept between runs, and no .hypothesis folder
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

RULES = all_rules()
GET_RULES = [pytest.param(rule, id=rule.rule) for rule in RULES if "GET" in route_methods(rule)]
POST_RULES = [pytest.param(rule, id=rule.rule) for rule in RULES if "POST" in route_methods(rule)]
LINK_RULES = [
    pytest.param(rule, method, id=f"{method} {rule.rule}")
    for rule in RULES
    if "<token>" in rule.rule
    for method in route_methods(rule)
]

# The query parameters and form fields the app reads somewhere, and a few it never does.
KEYS = [
    "q", "page", "category", "municipality", "status", "from", "to", "lang", "region", "next",
    "started", "action", "nonce", "title", "label", "kind", "direction", "options", "email",
    "organisation_name", "organisation_number", "contact_email", "may_publish_name",
]  # fmt: skip
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=60)
ODD = st.sampled_from(
    ["%", "%%", "%00", "-1", "0", "1e309", "9" * 40, "2027-02-30", "../../etc", "<script>", "ÅÄÖ",
     "\u202e", "\ufeff", " ", "x" * 5000, "[]", "{}", "null", "true", "on", "'; --"]
)  # fmt: skip
VALUES = TEXT | ODD
QUERIES = st.dictionaries(st.sampled_from(KEYS) | TEXT.filter(bool), VALUES, max_size=6)
HTMX = st.sampled_from([{}, {"HX-Request": "true"}, {"HX-Request": "true", "HX-Boosted": "true"}])
# A slash is no part of a token: the router would merge "//" with a redirect.
TOKENS = TEXT.filter(lambda token: "/" not in token and token.strip(".")) | st.text(
    "A-Za-z0-9_-", min_size=43
)


@pytest.fixture
def world(app):
    """Both regions' data, the private links of a Kronoberg consultation, and its staff."""
    other_region()
    users = {
        "editor": staff("kronoberg", Role.EDITOR),
        "platform": staff(None, None, platform=True),
    }
    return users, snapshot("blekinge")


def _checked(response, blekinge) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    assert snapshot("blekinge") == blekinge, "another region's data changed"


@pytest.mark.parametrize("rule", GET_RULES)
def test_any_query_string_on_any_page(app, world, rule):
    users, blekinge = world
    consultation = consultation_for(rule, "plan")
    url = fill(rule, consultation, Links(consultation).for_endpoint(rule.endpoint))
    anonymous, _ = visitor(app, None)
    editor, _ = visitor(app, users["editor"])

    @EXAMPLES
    @given(query=QUERIES, headers=HTMX)
    def check(query, headers):
        for client in (anonymous, editor):
            response = client.get(url, query_string=urlencode(query), headers=headers)
            _checked(response, blekinge)

    check()


def _field_names(client, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The names of the fields on the page at this URL, if it has one."""
    html = client.get(url).get_data(as_text=True)
    return sorted(set(re.findall(r'name="([^"]+)"', html)) - {"csrf_token"})


@pytest.mark.parametrize("rule", POST_RULES)
def test_any_form_data_to_any_form(app, world, rule):
    users, blekinge = world
    consultation = consultation_for(rule, "plan")
    url = fill(rule, consultation, Links(consultation).for_endpoint(rule.endpoint))
    # Whoever may post here: the platform's staff for every staff form, anyone for the rest.
    client, csrf = visitor(app, users["platform"] if rule.rule.startswith("/admin") else None)
    own = _field_names(client, url) if "GET" in rule.methods else []
    fields = st.dictionaries(st.sampled_from(own + KEYS) | TEXT.filter(bool), VALUES, max_size=8)

    @EXAMPLES
    @given(data=fields, repeated=st.lists(st.sampled_from(own or KEYS), max_size=2), headers=HTMX)
    def check(data, repeated, headers):
        form = [*data.items(), *((name, "x") for name in repeated), ("csrf_token", csrf)]
        _checked(client.post(url, data=MultiDict(form), headers=headers), blekinge)

    check()


@pytest.mark.parametrize(("rule", "method"), LINK_RULES)
def test_a_made_up_private_link_is_not_found(app, world, rule, method):
    _, blekinge = world
    consultation = consultation_for(rule, "plan")
    Links(consultation)
    client, csrf = visitor(app, None)

    @EXAMPLES
    @given(token=TOKENS)
    def check(token):
        url = fill(rule, consultation, quote(token, safe=""))
        response = client.open(url, method=method, data={"csrf_token": csrf})
        assert response.status_code == 404, (token, response.status_code)
        assert snapshot("blekinge") == blekinge

    check()
