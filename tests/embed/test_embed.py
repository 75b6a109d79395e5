"""The answering form embedded on a region's website: frame policy, no cookies, staff settings."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from kick_forms.embed import services as embedding
from kick_forms.extensions import db
from kick_forms.models import ConsultationStatus, EmbedOrigin, Response, Role
from tests.conftest import csrf_token, login, make_consultation, make_user, region
from tests.responses.conftest import ORGANISATION, nonce_on, token_of

FORM = "/embed/r/kronoberg/c/kulturplan"
KRONOBERG_SITE = "https://www.regionkronoberg.se"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _frame_ancestors(reply) -> str:  # type: ignore[no-untyped-def]
    policy = reply.headers["Content-Security-Policy"]
    return re.search(r"frame-ancestors ([^;]+)", policy).group(1)


def _allow(slug: str, origin: str) -> None:
    db.session.add(EmbedOrigin(region_id=region(slug).id, origin=origin))
    db.session.commit()


def _questions(consultation):
    return {q.label: q for q in consultation.questions}


def test_only_the_regions_own_websites_may_frame_its_form(client, consultation):
    _allow("kronoberg", KRONOBERG_SITE)
    _allow("blekinge", "https://www.regionblekinge.se")

    framed = client.get(FORM)
    assert framed.status_code == 200
    assert _frame_ancestors(framed) == f"'self' {KRONOBERG_SITE}"
    assert "X-Frame-Options" not in framed.headers

    # Every page that is not part of the embedded flow refuses to be framed at all.
    for path in ("/r/kronoberg/c/kulturplan/respond", "/r/kronoberg/c/kulturplan/", "/"):
        reply = client.get(path)
        assert _frame_ancestors(reply) == "'none'", path
        assert reply.headers["X-Frame-Options"] == "DENY"


def test_the_embedded_flow_works_without_any_cookie(app, consultation):
    """Start, answer, check and submit inside the frame with a browser that keeps no cookies,
    as where third-party cookies are blocked; every page stays in the frame and may be framed."""
    _allow("kronoberg", KRONOBERG_SITE)
    q = _questions(consultation)
    browser = app.test_client(use_cookies=False)
    same_origin = {"Sec-Fetch-Site": "same-origin"}

    page = browser.get(FORM)
    nonce = re.search(r'name="nonce" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    started = browser.post(
        FORM, data={**ORGANISATION, "nonce": nonce.group(1)}, headers=same_origin
    )
    assert started.status_code == 303
    assert started.headers["Location"].startswith("/embed/respond/")
    token = token_of(started.headers["Location"])

    overview = browser.get(f"/embed/respond/{token}?started=1")
    html = overview.get_data(as_text=True)
    assert _frame_ancestors(overview) == f"'self' {KRONOBERG_SITE}"
    assert overview.headers["Cache-Control"] == "no-store"
    # The canonical private link is shown to keep; the flow's own links stay in the frame.
    assert f"{app.config['PUBLIC_URL']}/respond/{token}" in html
    assert f'href="/embed/respond/{token}/s/1"' in html
    assert not re.search(r'href="/respond/[^"]*"(?! target="_blank")', html)
    assert "site-header" not in html and "Öppna i ny flik" in html

    first = {f"q-{q['Ort'].id}": "Växjö", "action": "next"}
    browser.post(f"/embed/respond/{token}/s/1", data=first, headers=same_origin)
    saved = browser.post(
        f"/embed/respond/{token}/s/2",
        data={f"q-{q['Hur väl?'].id}": "4", "action": "check"},
        headers=same_origin,
    )
    assert saved.headers["Location"] == f"/embed/respond/{token}/check"
    check = browser.get(saved.headers["Location"]).get_data(as_text=True)
    sent = browser.post(
        f"/embed/respond/{token}/submit", data={"nonce": nonce_on(check)}, headers=same_origin
    )
    assert sent.status_code == 303
    assert sent.headers["Location"].startswith(f"/embed/respond/{token}/confirmation/")
    assert browser.get(sent.headers["Location"]).status_code == 200
    assert db.session.scalars(select(Response)).one().status == "submitted"

    for reply in (page, started, overview, saved, sent):
        assert "Set-Cookie" not in reply.headers


def test_a_form_posted_from_another_site_is_refused(app, consultation):
    browser = app.test_client(use_cookies=False)
    page = browser.get(FORM).get_data(as_text=True)
    nonce = re.search(r'name="nonce" type="hidden" value="([^"]+)"', page).group(1)
    refused = browser.post(
        FORM, data={**ORGANISATION, "nonce": nonce}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert refused.status_code == 403
    assert db.session.scalars(select(Response)).all() == []


def test_a_draft_is_continued_in_the_frame_by_pasting_its_private_link(client, consultation):
    page = client.get(FORM).get_data(as_text=True)
    nonce = re.search(r'name="nonce" type="hidden" value="([^"]+)"', page).group(1)
    token = token_of(client.post(FORM, data={**ORGANISATION, "nonce": nonce}).headers["Location"])

    resumed = client.post(
        f"{FORM}/continue", data={"link": f"  http://localhost/respond/{token}  "}
    )
    assert resumed.status_code == 303
    assert resumed.headers["Location"] == f"/embed/respond/{token}"

    wrong = client.post(f"{FORM}/continue", data={"link": "https://example.se/nothing"})
    assert wrong.status_code == 422
    assert "Klistra in hela den privata länken" in wrong.get_data(as_text=True)
    unknown = client.post(f"{FORM}/continue", data={"link": f"/respond/{'A' * 43}"})
    assert unknown.status_code == 422
    assert "Inget svar på det här samrådet" in unknown.get_data(as_text=True)

    # A link to an answer to another consultation does not open here.
    make_consultation(slug="annat", status=ConsultationStatus.OPEN)
    other = client.post("/embed/r/kronoberg/c/annat/continue", data={"link": f"/respond/{token}"})
    assert other.status_code == 422


def test_the_language_travels_in_the_frames_links(client, consultation):
    html = client.get(f"{FORM}?lang=en").get_data(as_text=True)
    assert 'lang="en"' in html and "Who is answering?" in html
    assert "/embed/r/kronoberg/c/kulturplan/continue?lang=en" in html


@pytest.mark.parametrize(
    ("typed", "origin"),
    [
        ("https://www.regionkronoberg.se", "https://www.regionkronoberg.se"),
        ("  HTTPS://WWW.RegionKronoberg.se/  ", "https://www.regionkronoberg.se"),
        ("https://kultur.example.se:8443", "https://kultur.example.se:8443"),
        ("https://example.se:443", "https://example.se"),
        ("http://localhost:5000", "http://localhost:5000"),
        ("https://växjö.se", "https://växjö.se"),
    ],
)
def test_website_addresses_are_normalised(typed, origin):
    assert embedding.normalise_origin(typed) == origin


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "www.regionkronoberg.se",
        "http://www.regionkronoberg.se",
        "https://www.regionkronoberg.se/kultur/samrad",
        "https://www.regionkronoberg.se/?a=1",
        "https://user:secret@example.se",
        "https://*.example.se",
        "javascript:alert(1)",
        "https://exa mple.se",
        "https://example.se:99999",
    ],
)
def test_other_addresses_are_refused_with_a_reason(typed):
    with pytest.raises(embedding.EmbedError):
        embedding.normalise_origin(typed)


def test_staff_get_the_snippet_and_admins_keep_the_list_of_websites(client, consultation):
    login(client, make_user("kronoberg", Role.ADMIN))
    page_url = f"/admin/r/kronoberg/c/{consultation.id}/embed"
    page = client.get(page_url).get_data(as_text=True)
    public = client.application.config["PUBLIC_URL"]
    assert f"{public}/embed/r/kronoberg/c/kulturplan" in page
    assert f"{public}/static/embed.js" in page
    assert f"{public}/r/kronoberg/c/kulturplan/respond" in page

    token = csrf_token(client, page_url)
    typed = {"csrf_token": token, "origin": "HTTPS://www.RegionKronoberg.se/"}
    added = client.post(f"{page_url}/origins", data=typed)
    assert added.status_code == 303
    refused = client.post(
        f"{page_url}/origins",
        data={"csrf_token": token, "origin": "http://www.regionkronoberg.se/samrad"},
    )
    assert refused.status_code == 422
    assert "aria-invalid" in refused.get_data(as_text=True)
    origins = db.session.scalars(select(EmbedOrigin.origin)).all()
    assert origins == [KRONOBERG_SITE]
    assert _frame_ancestors(client.get(FORM)) == f"'self' {KRONOBERG_SITE}"

    removed = client.post(
        f"{page_url}/origins/{db.session.scalars(select(EmbedOrigin.id)).one()}/delete",
        data={"csrf_token": token},
    )
    assert removed.status_code == 303
    assert _frame_ancestors(client.get(FORM)) == "'self'"


def test_editors_see_the_snippet_but_cannot_change_the_regions_settings(client, consultation):
    login(client, make_user("kronoberg", Role.EDITOR))
    page_url = f"/admin/r/kronoberg/c/{consultation.id}/embed"
    page = client.get(page_url)
    assert page.status_code == 200 and "embed.js" in page.get_data(as_text=True)
    token = csrf_token(client, "/admin/")
    origin = {"csrf_token": token, "origin": KRONOBERG_SITE}
    assert client.post(f"{page_url}/origins", data=origin).status_code == 403
    colour = {"csrf_token": token, "colour": "#005a9c"}
    assert client.post(f"{page_url}/theme", data=colour).status_code == 403
    assert db.session.scalars(select(EmbedOrigin)).all() == []


def test_the_frame_takes_the_regions_colour_and_logo(client, consultation):
    login(client, make_user("kronoberg", Role.ADMIN))
    page_url = f"/admin/r/kronoberg/c/{consultation.id}/embed"
    token = csrf_token(client, page_url)

    too_light = client.post(f"{page_url}/theme", data={"csrf_token": token, "colour": "#ffcc00"})
    assert too_light.status_code == 422
    assert "för svår att läsa" in too_light.get_data(as_text=True)
    not_an_image = client.post(
        f"{page_url}/theme",
        data={
            "csrf_token": token,
            "colour": "",
            "logo": (io.BytesIO(b"<svg/>"), "l.svg"),
        },
        content_type="multipart/form-data",
    )
    assert not_an_image.status_code == 422

    saved = client.post(
        f"{page_url}/theme",
        data={
            "csrf_token": token,
            "colour": "#005A9C",
            "logo": (io.BytesIO(PNG), "logo.png"),
        },  # fmt: skip
        content_type="multipart/form-data",
    )
    assert saved.status_code == 303
    html = client.get(FORM).get_data(as_text=True)
    css_url = re.search(r'href="(/embed/r/kronoberg/theme\.css[^"]*)"', html).group(1)
    assert "--embed-colour:#005a9c" in client.get(css_url.replace("&amp;", "&")).get_data(
        as_text=True
    )
    logo_url = re.search(r'src="(/embed/r/kronoberg/logo[^"]*)"', html).group(1)
    logo = client.get(logo_url)
    assert logo.data == PNG and logo.mimetype == "image/png"
    assert "immutable" in logo.headers["Cache-Control"]
