"""Staff see the responses to their consultations: filter, search, one response, its files."""

from __future__ import annotations

from kick_forms.models import Role
from tests.conftest import login, make_user
from tests.responses.conftest import start


def test_staff_list_filters_and_searches_with_htmx(client, consultation):
    start(client)
    start(client, organisation_name="Växjö Kammarkör", categories=["choir"], municipality="0780")
    staff = client.application.test_client()
    login(staff, make_user("kronoberg", Role.VIEWER))
    url = f"/admin/r/kronoberg/c/{consultation.id}/responses"
    page = staff.get(url).get_data(as_text=True)
    assert "Hembygdsföreningen" in page and "Växjö Kammarkör" in page

    rows = staff.get(f"{url}?q=kammar", headers={"HX-Request": "true"})
    html = rows.get_data(as_text=True)
    assert "<html" not in html and "Växjö Kammarkör" in html and "Hembygds" not in html
    assert "HX-Request" in rows.headers["Vary"]
    by_category = staff.get(f"{url}?category=local_heritage").get_data(as_text=True)
    assert "Hembygdsföreningen" in by_category and "Kammarkör" not in by_category


def test_contact_details_are_for_editors_not_viewers(client, consultation):
    start(client)
    from kick_forms.extensions import db
    from kick_forms.models import Response

    response_id = db.session.scalars(db.select(Response.id)).one()
    url = f"/admin/r/kronoberg/c/{consultation.id}/responses/{response_id}"
    viewer = client.application.test_client()
    login(viewer, make_user("kronoberg", Role.VIEWER))
    assert "karin@example.se" not in viewer.get(url).get_data(as_text=True)
    editor = client.application.test_client()
    login(editor, make_user("kronoberg", Role.EDITOR))
    assert "karin@example.se" in editor.get(url).get_data(as_text=True)
