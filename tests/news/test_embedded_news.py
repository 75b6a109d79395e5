"""A region's open consultations and news in a frame on its own website: framed by the
websites on the region's list only, like the embedded form, and nowhere else."""

from __future__ import annotations

from datetime import timedelta

from kick_forms.extensions import db
from kick_forms.models import EmbedOrigin, NewsItem, NewsStatus, Role
from kick_forms.timeutil import utcnow
from tests.conftest import login, make_user, region

EMBEDDED = "/embed/r/kronoberg/nytt"


def test_the_frame_shows_open_consultations_and_news_and_only_listed_sites_may_frame_it(
    client, consultation
):
    db.session.add(EmbedOrigin(region_id=region("kronoberg").id, origin="https://www.kronoberg.se"))
    db.session.add(
        NewsItem(region=region("kronoberg"), title="Dialogmöte i Växjö",
                 status=NewsStatus.PUBLISHED, published_at=utcnow() - timedelta(hours=1))
    )  # fmt: skip
    db.session.commit()
    reply = client.get(EMBEDDED)
    assert reply.status_code == 200
    policy = reply.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://www.kronoberg.se" in policy
    assert "X-Frame-Options" not in reply.headers
    page = reply.get_data(as_text=True)
    assert 'class="embedded"' in page
    assert "Kulturplan 2027–2030" in page and "Dialogmöte i Växjö" in page
    assert 'target="_blank" rel="noopener"' in page
    # Another region's frame lists other websites; the public lists are framed by nobody.
    assert (
        "www.kronoberg.se"
        not in client.get("/embed/r/blekinge/nytt").headers["Content-Security-Policy"]
    )
    assert client.get("/r/kronoberg/nytt").headers["X-Frame-Options"] == "DENY"
    assert client.get("/embed/r/ingenstans/nytt").status_code == 404


def test_staff_get_the_snippet_with_the_regions_websites(client):
    db.session.add(EmbedOrigin(region_id=region("kronoberg").id, origin="https://www.kronoberg.se"))
    db.session.commit()
    login(client, make_user("kronoberg", Role.VIEWER))
    page = client.get("/admin/r/kronoberg/nytt").get_data(as_text=True)
    assert 'data-kick-form="http://127.0.0.1:8000/embed/r/kronoberg/nytt"' in page
    assert "/static/embed.js" in page
    assert "https://www.kronoberg.se" in page
