"""/hjalp: the guide's pages in both languages, their pictures and what they may quote."""

from __future__ import annotations

import re

import pytest

from kick_forms.help import guide
from kick_forms.help.screenshots import SHOTS, by_name
from tests.conftest import ROOT


def _pages(app, language):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        return guide.pages(language)


def test_every_page_is_in_both_languages_and_describes_the_same_pages(app):
    swedish, english = _pages(app, "sv"), _pages(app, "en")
    assert [page.slug for page in swedish] == [page.slug for page in english]
    assert {page.group for page in swedish} == {"region", "organisation"}
    for sv_page, en_page in zip(swedish, english, strict=True):
        described = [set(section.endpoints) for section in sv_page.sections]
        assert described == [set(section.endpoints) for section in en_page.sections], sv_page.slug


def test_every_page_a_section_names_exists(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    for language in guide.LANGUAGES:
        for page in _pages(app, language):
            for section in page.sections:
                assert section.endpoints, f"{page.slug}#{section.anchor} names no page"
                unknown = set(section.endpoints) - endpoints
                assert not unknown, f"{page.slug}#{section.anchor}: {sorted(unknown)}"


def test_every_picture_has_its_text_its_file_and_its_place_in_the_list(app):
    used = set()
    for language in guide.LANGUAGES:
        for page in _pages(app, language):
            for picture in page.pictures:
                assert len(picture.alt) > 20, f"{page.slug}: {picture.name} needs a description"
                assert picture.name in by_name(), f"{picture.name} is not in screenshots.SHOTS"
                assert (ROOT / "static" / "help" / language / f"{picture.name}.png").is_file()
                used.add(picture.name)
    assert used == {shot.name for shot in SHOTS}, "a screenshot that no page shows"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_guide_is_served_in_the_interfaces_language(client, language):
    index = client.get(f"/hjalp/?lang={language}").get_data(as_text=True)
    assert f'<html lang="{language}">' in index
    links = re.findall(r'href="/hjalp/([a-z0-9-]+)"', index)
    assert len(links) >= 10
    for slug in links:
        html = client.get(f"/hjalp/{slug}?lang={language}").get_data(as_text=True)
        assert '<strong class="ui-label">' in html, slug
        for source, alt in re.findall(r'<img src="([^"]+)" alt="([^"]+)"', html):
            assert source.startswith(f"/static/help/{language}/") and alt
            assert client.get(source.split("?")[0]).status_code == 200
    assert client.get("/hjalp/finns-inte").status_code == 404
