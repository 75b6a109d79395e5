"""Input no one types is never a server error, the same on SQLite and PostgreSQL: huge ids in a
path are not found, control characters are cleaned where the request is read (and a slug with
one is not found), query names that look like URL variables are data, and an error page that
cannot be drawn in the layout is still a page with the security headers."""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import Organisation, Role
from tests.conftest import csrf_token, login, make_app, make_user
from tests.responses.conftest import start

HUGE_IDS = [2**31, 2**63, 10**30]


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_an_id_beyond_the_database_is_not_found(client, consultation, huge):
    assert client.get(f"/api/v1/consultations/{huge}/summary").status_code == 404
    token = start(client)
    assert client.get(f"/respond/{token}/s/{huge}").status_code == 404
    assert client.get(f"/respond/{token}/attachments/{huge}").status_code == 404


def test_a_nul_in_an_answer_is_dropped_and_the_rest_is_saved(client, consultation):
    questions = {question.label: question for question in consultation.questions}
    token = start(client)
    saved = client.post(
        f"/respond/{token}/s/1",
        data={
            f"q-{questions['Ort'].id}": "Upp\x00vidinge\x1b",
            f"q-{questions['Medlemmar'].id}": "12",
        },
    )
    assert saved.status_code in (200, 303)
    page = client.get(f"/respond/{token}/s/1").get_data(as_text=True)
    assert 'value="Uppvidinge"' in page
    assert 'value="12"' in page


def test_control_characters_in_a_long_answer_keep_its_lines(client, consultation):
    questions = {question.label: question for question in consultation.questions}
    token = start(client)
    typed = "Första raden\r\nAndra\tkolumn\x0bsamma rad\x00"
    client.post(f"/respond/{token}/s/2", data={f"q-{questions['Vad saknas?'].id}": typed})
    page = client.get(f"/respond/{token}/s/2").get_data(as_text=True)
    assert "Första raden\nAndra\tkolumn samma rad</textarea>" in page


def test_a_nul_in_a_slug_or_a_search_is_not_a_server_error(client, consultation):
    assert client.get("/r/krono%00berg/").status_code == 404
    assert client.get("/r/kronoberg/c/kultur%00plan/").status_code == 404
    assert client.get("/api/v1/consultations?region=krono%00berg").status_code == 200
    assert client.get("/static/css/kick%00.css").status_code == 404
    login(client, make_user("kronoberg", Role.EDITOR))
    assert client.get("/admin/r/kronoberg/organisations?q=k%00%01r").status_code == 200


def test_a_nul_in_an_imported_file_and_its_name_is_dropped(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    page = "/admin/r/kronoberg/organisations/import"
    text = "Förening;Kommun\nVäxjö kammar\x00kör;Växjö\n".encode()
    uploaded = client.post(
        page,
        data={"csrf_token": csrf_token(client, page), "file": (io.BytesIO(text), "reg\x00.csv")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 303
    check = client.get(uploaded.headers["Location"]).get_data(as_text=True)
    assert "reg.csv" in check
    client.post(
        f"{uploaded.headers['Location']}/run", data={"csrf_token": csrf_token(client, page)}
    )
    assert db.session.scalars(select(Organisation.name)).all() == ["Växjö kammarkör"]


def test_query_names_like_url_variables_are_kept_in_the_language_link(client, consultation):
    query = "region_slug=x&consultation_slug=y&token=z&_method=POST&_external=1&_scheme=ftp"
    page = client.get(f"/r/kronoberg/c/kulturplan/?{query}")
    assert page.status_code == 200
    english = re.search(r'<a href="([^"]+)" lang="en"', page.get_data(as_text=True)).group(1)
    assert html.unescape(english) == f"/r/kronoberg/c/kulturplan/?{query}&lang=en"


def test_an_error_page_that_cannot_be_drawn_is_still_a_page_with_its_headers(database_url, app):
    """In production an unexpected error gets a page; if the layout fails on that page too
    (as the language link once did), the message alone is sent, with the security headers."""
    production = make_app(database_url, TESTING=False)

    def broken(_code: str) -> str:
        raise RuntimeError("the layout cannot be drawn")

    production.jinja_env.globals["url_for_language"] = broken
    response = production.test_client().get("/")
    assert response.status_code == 500
    assert "Något gick fel hos oss" in response.get_data(as_text=True)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
