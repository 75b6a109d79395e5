"""Search engines: public pages describe themselves; staff pages and private links say noindex."""

from __future__ import annotations

import re

from kick_forms.models import ConsultationStatus
from tests.conftest import make_consultation

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]+)">')


def test_public_pages_have_a_description_and_may_be_indexed(client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    home = client.get("/").get_data(as_text=True)
    lead = re.search(r'<p class="lead">([^<]+)</p>', home)
    assert lead
    for path in ("/", "/board", f"/r/{consultation.region.slug}/c/{consultation.slug}/",
                 f"/embed/r/{consultation.region.slug}/c/{consultation.slug}"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200, path
        description = DESCRIPTION.search(response.get_data(as_text=True))
        assert description and description[1] == lead[1], path
        assert "X-Robots-Tag" not in response.headers, path


def test_staff_pages_and_private_links_are_not_indexed(client):
    for path in ("/admin/login", "/respond/" + "x" * 43, "/embed/respond/" + "x" * 43,
                 "/invitation/" + "x" * 43, "/kvalitet/" + "x" * 43):  # fmt: skip
        response = client.get(path)
        assert response.headers.get("X-Robots-Tag") == "noindex, nofollow", path
