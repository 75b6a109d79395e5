"""The region's own text is Swedish: English pages mark it lang="sv" (WCAG 3.1.2)."""

from __future__ import annotations

from kick_forms.models import Role
from tests.conftest import login, make_user
from tests.responses.conftest import start


def test_english_pages_mark_the_regions_swedish_text(client, consultation):
    page = client.get("/r/kronoberg/c/kulturplan/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert '<h1 lang="sv">Kulturplan 2027–2030</h1>' in page
    assert '<div class="prose" lang="sv">' in page
    assert '<strong lang="sv">Om er</strong>' in page

    token = start(client)
    section = client.get(f"/respond/{token}/s/1").get_data(as_text=True)
    assert '<h1 lang="sv">Om er</h1>' in section
    assert '<span lang="sv">Ort</span>' in section  # the question's label
    assert 'lang="sv">Museer</label>' in section  # an option

    embedded = client.get("/embed/r/kronoberg/c/kulturplan?lang=en").get_data(as_text=True)
    assert '<span lang="sv">Kulturplan 2027–2030</span>' in embedded

    login(client, make_user("kronoberg", Role.EDITOR))
    builder = client.get(f"/admin/r/kronoberg/c/{consultation.id}/?lang=en").get_data(as_text=True)
    assert '<h1 lang="sv">Kulturplan 2027–2030</h1>' in builder
    assert '<span lang="sv">Medlemmar</span>' in builder


def test_swedish_pages_do_not_repeat_the_pages_language(client, consultation):
    page = client.get("/r/kronoberg/c/kulturplan/").get_data(as_text=True)
    assert '<html lang="sv">' in page
    assert "<h1>Kulturplan 2027–2030</h1>" in page
    assert 'lang="sv"' not in page.replace('<html lang="sv">', "").replace(
        'lang="sv" hreflang="sv"', ""
    )
