"""Arbitrary input to every route never makes a server error, nor changes another region.

Every GET route gets arbitrary query strings; every route that takes a POST gets arbitrary
form fields (its own fields among them) with a valid CSRF token, as a visitor who may post it;
every private link gets arbitrary tokens. Routes come from the URL map, as in the matrix.

Text includes NUL and other control characters (PostgreSQL refuses NUL), numbers include ids
beyond PostgreSQL's integer and SQLite's 64 bits, and names include every URL variable and
``url_for``'s own options. Besides the random examples, every route gets these hostile values
deterministically: in each path variable (a 404), as every query name and form field.
Run with KICK_TEST_DATABASE_URL and every test runs on PostgreSQL too; the number of requests
tried is reported at the end.
"""

from __future__ import annotations

import re
from collections import Counter
from types import SimpleNamespace
from urllib.parse import quote, urlencode

import pytest
from flask import request_started
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

# Names a query string or form could collide with: every URL variable, url_for's options.
RESERVED = sorted(
    {name for rule in RULES for name in rule.arguments}
    | {"_method", "_external", "_anchor", "_scheme", "endpoint", "values"}
)
# The query parameters and form fields the app reads somewhere, and a few it never does.
KEYS = [
    "q", "page", "category", "municipality", "status", "from", "to", "lang", "region", "next",
    "started", "action", "nonce", "title", "label", "kind", "direction", "options", "email",
    "organisation_name", "organisation_number", "contact_email", "may_publish_name", *RESERVED,
]  # fmt: skip
# Ids just past PostgreSQL's integer, past SQLite's (and PostgreSQL's bigint) 64 bits, and far.
HUGE_IDS = [str(2**31), str(2**63), str(10**30)]
# NUL (refused by PostgreSQL), escape sequences, DEL, C1 controls, a lone form feed.
CONTROL = ["\x00", "a\x00b", "\x1b[2J", "x\x7f", "\x85\x9f", "\x0c", "\x01\x02\x03"]
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
CONTROL_TEXT = st.text(st.characters(max_codepoint=0x9F, exclude_categories=("Cs",)), max_size=20)
ODD = st.sampled_from(
    ["%", "%%", "%00", "-1", "0", "1e309", "9" * 40, "2027-02-30", "../../etc", "<script>", "ÅÄÖ",
     "\u202e", "\ufeff", " ", "x" * 5000, "[]", "{}", "null", "true", "on", "'; --",
     "-9223372036854775809", "1e30", *HUGE_IDS, *CONTROL]
)  # fmt: skip
VALUES = TEXT | CONTROL_TEXT | ODD
QUERIES = st.dictionaries(st.sampled_from(KEYS) | TEXT.filter(bool), VALUES, max_size=6)
# In every field at once: just past each database's integers, and NUL with an escape.
HOSTILE = [str(2**31), str(2**63), "a\x00b\x1b"]
HTMX = st.sampled_from([{}, {"HX-Request": "true"}, {"HX-Request": "true", "HX-Boosted": "true"}])
# A slash is no part of a token: the router would merge "//" with a redirect.
TOKENS = (TEXT | CONTROL_TEXT).filter(
    lambda token: "/" not in token and token.strip(".")
) | st.text("A-Za-z0-9_-", min_size=43)
# What is put in a path variable in place of a real object: never found.
HOSTILE_PATHS = {"int": HUGE_IDS, "any": ["csv\x00"], "path": ["css/kick\x00.css"]}
HOSTILE_SEGMENTS = ["a\x00b", "\x00", "\x1f", "x\x7f"]

TRIED: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _count_requests(request):  # type: ignore[no-untyped-def]
    """Count every request the app handles in this module, per database, and report it."""

    def count(app, **_extra) -> None:  # type: ignore[no-untyped-def]
        TRIED[app.config["SQLALCHEMY_DATABASE_URI"].partition(":")[0]] += 1

    request_started.connect(count)
    yield
    request_started.disconnect(count)
    line = ", ".join(f"{kind}: {n}" for kind, n in sorted(TRIED.items()))
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\n{__name__}: requests tried: {sum(TRIED.values())} ({line})")


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
    # Every reserved name at once, with each hostile value.
    for value in HOSTILE:
        query = urlencode([(name, value) for name in RESERVED])
        for client in (anonymous, editor):
            _checked(client.get(url, query_string=query), blekinge)


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
    # Every field of the form and every reserved name, all with each hostile value, in the
    # body and in the query string.
    for value in HOSTILE:
        form = [(name, value) for name in sorted({*own, *RESERVED})]
        query = urlencode([(name, value) for name in RESERVED])
        response = client.post(
            url, query_string=query, data=MultiDict([*form, ("csrf_token", csrf)])
        )
        _checked(response, blekinge)


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


def _variables(rule) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The rule's path variables as (placeholder, converter kind)."""
    return [
        (match.group(0), match.group(1) or "default")
        for match in re.finditer(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", rule.rule)
    ]


def test_hostile_path_variables_are_not_found(app, world):
    """A huge id, or a control character in a slug, a token or a file name, in each path
    variable of every route in turn (the others real), is 404 for every method."""
    _, blekinge = world
    consultations = {
        True: consultation_for(SimpleNamespace(rule="/admin"), "staff-plan"),
        False: consultation_for(SimpleNamespace(rule="/"), "plan"),
    }
    links = {staff: Links(consultation) for staff, consultation in consultations.items()}
    client, csrf = visitor(app, None)
    for rule in RULES:
        staff = rule.rule.startswith("/admin")
        token = links[staff].for_endpoint(rule.endpoint)
        for placeholder, kind in _variables(rule):
            for value in HOSTILE_PATHS.get(kind, HOSTILE_SEGMENTS):
                pattern = rule.rule.replace(placeholder, quote(value, safe="/"))
                url = fill(SimpleNamespace(rule=pattern), consultations[staff], token)
                for method in route_methods(rule):
                    response = client.open(url, method=method, data={"csrf_token": csrf})
                    assert response.status_code == 404, (method, url, response.status_code)
    assert snapshot("blekinge") == blekinge
