"""The breadcrumb trail names the page once, last, and never links to the page itself."""

from __future__ import annotations

import re

from kick_forms.models import ConsultationStatus
from tests.conftest import make_consultation

TRAIL = re.compile(r'<nav aria-label="[^"]+" class="breadcrumbs">(.*?)</nav>', re.S)


def test_the_consultation_page_is_named_once_in_its_breadcrumbs(client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    path = f"/r/{consultation.region.slug}/c/{consultation.slug}/"
    trail = TRAIL.search(client.get(path).get_data(as_text=True))
    assert trail
    items = re.findall(r"<li[^>]*>(.*?)</li>", trail[1], re.S)
    assert f'href="{path}"' not in trail[1]
    assert [re.sub(r"<[^>]+>", "", item) for item in items][1:] == [
        consultation.region.name,
        consultation.title,
    ]
    assert trail[1].count(consultation.title) == 1
    assert '<li aria-current="page">' in trail[1]
    assert f'href="/r/{consultation.region.slug}/"' in trail[1]  # the region is still a link
