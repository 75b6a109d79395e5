"""A live region is announced when its text changes, not when it is replaced: the count of a
filtered list stays on the page, outside the results htmx swaps, and an htmx response sends only
its new text out of band."""

from __future__ import annotations

import re

from kick_forms.extensions import db
from kick_forms.models import Role
from kick_forms.organisations import services as register
from tests.conftest import login, make_consultation, make_user, region


def _list(name: str) -> None:
    register.register_organisation(
        region("kronoberg"), register.OrganisationData(name, None, "0780", ["choir"])
    )


def _check(client, url: str, results: str, status: str, query: str, count: str) -> None:  # type: ignore[no-untyped-def]
    page = client.get(url).get_data(as_text=True)
    live = re.findall(rf'<p id="{status}"[^>]*>', page)
    assert live == [f'<p id="{status}" role="status">']  # once, as a live region
    assert page.index(f'id="{status}"') < page.index(f'id="{results}"')  # outside the results
    assert page.count('role="status"') == 2  # it and the flashes

    fragment = client.get(f"{url}?q={query}", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert f'id="{results}"' in html and "<html" not in html
    swapped = re.search(rf'<p id="{status}" data-hx-swap-oob="innerHTML">([^<]+)</p>', html)
    assert swapped and swapped[1].startswith(count)
    assert 'role="status"' not in html  # no second live region arrives with the results


def test_the_register_count_is_a_live_region_that_stays(client):
    login(client, make_user("kronoberg", Role.VIEWER))
    _list("Växjö kammarkör")
    _list("Ljungby hembygdsförening")
    db.session.commit()
    _check(client, "/admin/r/kronoberg/organisations", "register-results", "register-status",
           "hembygd", "1 ")  # fmt: skip


def test_the_invitation_list_count_is_a_live_region_that_stays(client):
    consultation = make_consultation()
    login(client, make_user("kronoberg", Role.VIEWER))
    _list("Växjö kammarkör")
    _list("Ljungby hembygdsförening")
    db.session.commit()
    url = f"/admin/r/kronoberg/c/{consultation.id}/invitations"
    _check(client, url, "invitation-results", "invitation-status", "kammar", "1 ")


def test_the_response_list_count_is_a_live_region_that_stays(client):
    consultation = make_consultation()
    login(client, make_user("kronoberg", Role.VIEWER))
    url = f"/admin/r/kronoberg/c/{consultation.id}/responses"
    _check(client, url, "response-rows", "response-status", "kammar", "0 ")
