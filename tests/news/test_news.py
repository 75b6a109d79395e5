"""News: KICK's staff write for everyone, a region's editors for their region; readers see what
is published and due, newest first, a page at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import AuditEvent, ConsultationStatus, NewsItem, NewsStatus, Role
from kick_forms.news import services as news
from kick_forms.news import views as news_views
from kick_forms.timeutil import to_local, utcnow
from tests.conftest import csrf_token, login, make_consultation, make_user, region

REGION_NEWS = "/admin/r/kronoberg/nytt"
NATIONAL_NEWS = "/admin/nytt"


def _write(client, base: str, **fields) -> object:
    data = {
        "title": "Dialogmöte i Växjö",
        "body": "Välkomna till **dialogmöte** om kulturplanen.",
        "status": "published",
        "publish_at": "",
        "csrf_token": csrf_token(client, f"{base}/new"),
        **fields,
    }
    return client.post(f"{base}/new", data=data)


def _only_item() -> NewsItem:
    return db.session.scalars(select(NewsItem)).one()


def test_an_editor_publishes_news_that_readers_find_on_every_list(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    reply = _write(client, REGION_NEWS)
    assert reply.status_code == 303
    assert reply.headers["Location"].endswith(REGION_NEWS)
    item = _only_item()
    assert item.status == NewsStatus.PUBLISHED
    assert item.region.slug == "kronoberg"
    page = client.get(f"/nytt/{item.id}").get_data(as_text=True)
    assert "<strong>dialogmöte</strong>" in page
    for path in ("/nytt", "/r/kronoberg/nytt", "/r/kronoberg/"):
        assert f'href="/nytt/{item.id}"' in client.get(path).get_data(as_text=True), path
    # Another region's readers do not get Kronoberg's news on their page.
    assert f'href="/nytt/{item.id}"' not in client.get("/r/blekinge/nytt").get_data(as_text=True)
    audit = db.session.scalars(select(AuditEvent).filter_by(action="news.add")).one()
    assert audit.subject == f"news:{item.id}"


def test_a_draft_and_news_set_for_later_stay_with_staff_until_their_time(client, monkeypatch):
    login(client, make_user("kronoberg", Role.EDITOR))
    _write(client, REGION_NEWS, title="Utkast", status="draft")
    later = to_local(utcnow() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    _write(client, REGION_NEWS, title="Senare", publish_at=later)
    listed = client.get(REGION_NEWS).get_data(as_text=True)
    assert "Utkast" in listed and "Senare" in listed
    assert "Bara personalen: ett utkast" in listed
    visitor = client.application.test_client()
    public = visitor.get("/nytt").get_data(as_text=True)
    assert "Utkast" not in public and "Senare" not in public
    draft = db.session.scalars(select(NewsItem).filter_by(title="Utkast")).one()
    assert visitor.get(f"/nytt/{draft.id}").status_code == 404
    monkeypatch.setattr(news_views, "utcnow", lambda: utcnow() + timedelta(days=3))
    public = visitor.get("/nytt").get_data(as_text=True)
    assert "Senare" in public and "Utkast" not in public


def test_national_news_is_written_by_kick_and_read_on_every_region_page(client):
    login(client, make_user(None, None, platform=True))
    assert _write(client, NATIONAL_NEWS, title="Ny studiehandledning").status_code == 303
    item = _only_item()
    assert item.region_id is None
    for path in ("/nytt", "/r/kronoberg/", "/r/blekinge/nytt"):
        assert "Ny studiehandledning" in client.get(path).get_data(as_text=True), path


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        (("kronoberg", Role.EDITOR), NATIONAL_NEWS, 403),  # only KICK writes for everyone
        (("blekinge", Role.EDITOR), REGION_NEWS, 404),  # another region's: not even seen
    ],
)
def test_who_may_write_where(client, who, path, status):
    login(client, make_user(*who))
    assert client.get(path).status_code == status
    assert client.get(f"{path}/new").status_code == status


def test_a_viewer_reads_the_regions_news_and_writes_none(client):
    login(client, make_user("kronoberg", Role.VIEWER))
    listed = client.get(REGION_NEWS)
    assert listed.status_code == 200
    assert "/nytt/new" not in listed.get_data(as_text=True)
    assert client.get(f"{REGION_NEWS}/new").status_code == 403


def test_another_regions_news_cannot_be_changed_by_its_number(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    _write(client, REGION_NEWS)
    item = _only_item()
    other = client.application.test_client()
    login(other, make_user("blekinge", Role.EDITOR))
    assert other.get(f"/admin/r/blekinge/nytt/{item.id}/edit").status_code == 404
    assert other.get(f"/admin/r/blekinge/nytt/{item.id}/delete").status_code == 404


def test_bad_input_is_said_and_kept(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    reply = _write(client, REGION_NEWS, title="", body="Texten finns kvar", publish_at="i morgon")
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    assert "Ange en titel." in page
    assert "i morgon" in page
    assert "Texten finns kvar" in page
    assert db.session.scalars(select(NewsItem)).first() is None


def test_the_text_is_sanitised_and_a_linked_consultation_shown(client, consultation):
    login(client, make_user("kronoberg", Role.EDITOR))
    reply = _write(
        client,
        REGION_NEWS,
        body="Hej <script>alert(1)</script> [länk](javascript:alert(1))",
        consultation=str(consultation.id),
    )
    assert reply.status_code == 303
    page = client.get(f"/nytt/{_only_item().id}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "javascript:" not in page
    assert 'href="/r/kronoberg/c/kulturplan/"' in page


def test_a_consultation_of_another_region_cannot_be_linked(client):
    blekinge = make_consultation(region_slug="blekinge", status=ConsultationStatus.OPEN)
    db.session.commit()
    login(client, make_user("kronoberg", Role.EDITOR))
    reply = _write(client, REGION_NEWS, consultation=str(blekinge.id))
    assert reply.status_code == 422
    assert db.session.scalars(select(NewsItem)).first() is None


def test_changing_and_removing(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    _write(client, REGION_NEWS)
    item = _only_item()
    first_published = item.published_at
    edit = f"{REGION_NEWS}/{item.id}/edit"
    form = client.get(edit).get_data(as_text=True)
    assert "Dialogmöte i Växjö" in form
    reply = client.post(
        edit,
        data={
            "title": "Dialogmöte i Ljungby",
            "body": "Ny plats.",
            "status": "published",
            "publish_at": to_local(first_published).strftime("%Y-%m-%d %H:%M"),
            "csrf_token": csrf_token(client, edit),
        },
    )
    assert reply.status_code == 303
    db.session.refresh(item)
    assert item.title == "Dialogmöte i Ljungby"
    assert abs(item.published_at - first_published) < timedelta(minutes=1)  # kept, not renewed
    item_id = item.id
    delete = f"{REGION_NEWS}/{item_id}/delete"
    assert client.post(delete, data={}).status_code == 400  # no CSRF token
    assert client.post(delete, data={"csrf_token": csrf_token(client, delete)}).status_code == 303
    assert db.session.scalars(select(NewsItem)).first() is None
    assert client.get(f"/nytt/{item_id}").status_code == 404


def test_the_lists_go_a_page_at_a_time_newest_first(client):
    now = utcnow()
    for number in range(news.PAGE_SIZE + 3):
        db.session.add(
            NewsItem(
                region=region("kronoberg"),
                title=f"Nyhet nummer {number:02d}",
                status=NewsStatus.PUBLISHED,
                published_at=now - timedelta(hours=number + 1),
            )
        )
    db.session.commit()
    first = client.get("/r/kronoberg/nytt").get_data(as_text=True)
    assert first.index("Nyhet nummer 00") < first.index("Nyhet nummer 01")
    assert "Nyhet nummer 12" not in first
    assert 'href="/r/kronoberg/nytt?page=2"' in first
    second = client.get("/r/kronoberg/nytt?page=2").get_data(as_text=True)
    assert "Nyhet nummer 12" in second and "Nyhet nummer 00" not in second
    assert client.get("/r/kronoberg/nytt?page=99").status_code == 200  # the last page
    assert client.get("/r/ingenstans/nytt").status_code == 404


def test_its_writers_preview_a_draft_that_nobody_else_sees(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    _write(client, REGION_NEWS, title="Utkast", status="draft")
    item = _only_item()
    preview = client.get(f"/nytt/{item.id}")
    assert preview.status_code == 200
    assert "Ett utkast: bara personalen ser det." in preview.get_data(as_text=True)
    assert preview.headers["Cache-Control"] == "no-store"
    assert f'href="/nytt/{item.id}"' in client.get(REGION_NEWS).get_data(as_text=True)
    for who in (("kronoberg", Role.VIEWER), ("blekinge", Role.EDITOR)):
        other = client.application.test_client()
        login(other, make_user(*who))
        assert other.get(f"/nytt/{item.id}").status_code == 404, who
    assert client.application.test_client().get(f"/nytt/{item.id}").status_code == 404
