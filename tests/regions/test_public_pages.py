"""Public pages: home, a region, a consultation; Swedish by default, English on request."""

from __future__ import annotations

from kick_forms.models import ConsultationStatus
from tests.conftest import make_consultation


def test_home_lists_regions_and_open_consultations(client):
    make_consultation(status=ConsultationStatus.OPEN)
    html = client.get("/").get_data(as_text=True)
    assert "Region Kronoberg" in html
    assert "Region Norrbotten" in html
    assert "Kulturplan 2027–2030" in html


def test_consultation_page_is_swedish_by_default_and_english_on_request(client):
    make_consultation(status=ConsultationStatus.OPEN)
    swedish = client.get("/r/kronoberg/c/kulturplan/")
    assert swedish.status_code == 200
    html = swedish.get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert "Sista dag att svara" in html
    assert "<strong>höra er</strong>" in html

    english = client.get("/r/kronoberg/c/kulturplan/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "Last day to answer" in english
    # The choice is remembered for the visit, and the switch leads back to Swedish.
    again = client.get("/r/kronoberg/c/kulturplan/").get_data(as_text=True)
    assert '<html lang="en">' in again
    assert 'hreflang="sv"' in again


def test_region_page_shows_its_culture_alliance(client):
    html = client.get("/r/kronoberg/").get_data(as_text=True)
    assert "Ideell kulturallians Kronoberg" in html
    assert "https://www.facebook.com/groups/ikakronoberg/" in html


def test_draft_consultations_and_unknown_pages_are_not_found(client):
    make_consultation(status=ConsultationStatus.DRAFT)
    assert client.get("/r/kronoberg/c/kulturplan/").status_code == 404
    assert client.get("/r/atlantis/").status_code == 404
    assert client.get("/r/blekinge/c/kulturplan/").status_code == 404


def test_intro_markdown_is_sanitised(client, app):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    consultation.intro = "<script>alert(1)</script>[länk](javascript:alert(1)) **fet**"
    from kick_forms.extensions import db

    db.session.commit()
    html = client.get("/r/kronoberg/c/kulturplan/").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html
    assert "<strong>fet</strong>" in html


def test_errors_are_pages_for_people_in_swedish(client):
    response = client.get("/r/atlantis/")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Sidan finns inte" in html or "Page not found" in html
    assert '<html lang="sv">' in html

    fragment = client.get("/r/atlantis/", headers={"HX-Request": "true"})
    assert fragment.status_code == 404
    assert "<html" not in fragment.get_data(as_text=True)
    assert fragment.headers["HX-Retarget"] == "#main"


def test_region_page_separates_open_from_earlier_consultations(client):
    make_consultation(slug="nu", status=ConsultationStatus.OPEN)
    make_consultation(slug="forr", status=ConsultationStatus.CLOSED)
    make_consultation(slug="utkast")
    html = client.get("/r/kronoberg/").get_data(as_text=True)
    open_part, earlier_part = html.split('id="recent-heading"')
    earlier_part = earlier_part.split("</section>")[0]  # the matrix below lists them all
    assert "/c/nu/" in open_part and "/c/forr/" not in open_part
    assert "/c/forr/" in earlier_part and "/c/nu/" not in earlier_part
    assert "/c/utkast/" not in html
