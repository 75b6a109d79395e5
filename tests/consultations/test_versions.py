"""Staff read every sent version of an answer and see, per question, what changed."""

from __future__ import annotations

import re

from kick_forms.extensions import db
from kick_forms.models import Response, Role
from tests.conftest import login, make_user
from tests.responses.conftest import nonce_on, start


def _send(client, token: str, section: int, answers: dict) -> None:  # type: ignore[no-untyped-def]
    client.post(f"/respond/{token}/s/{section}", data={**answers, "action": "save"})
    check = client.get(f"/respond/{token}/check").get_data(as_text=True)
    assert (
        client.post(f"/respond/{token}/submit", data={"nonce": nonce_on(check)}).status_code == 303
    )


def _row(html: str, question) -> str:  # type: ignore[no-untyped-def]
    match = re.search(rf'id="change-{question.id}">(.*?)</div>', html, re.S)
    assert match, f"no row for {question.label}"
    return match.group(1)


def test_staff_see_each_version_and_a_readable_diff_per_question(client, consultation):
    q = {question.label: question for question in consultation.questions}
    token = start(client)
    client.post(f"/respond/{token}/s/1", data={
        f"q-{q['Ort'].id}": "Älmhult", f"q-{q['Områden'].id}": [str(q["Områden"].options[0].id)],
        "action": "save",
    })  # fmt: skip
    _send(client, token, 2, {
        f"q-{q['Vad saknas?'].id}": "Mer stöd till landsbygden.", f"q-{q['Hur väl?'].id}": "3",
        f"q-{q['Tillfrågade?'].id}": "no",
    })  # fmt: skip
    # Version 2: one text changed, one choice swapped, one answer added, one removed.
    client.post(f"/respond/{token}/s/1", data={
        f"q-{q['Ort'].id}": "Älmhult", f"q-{q['Medlemmar'].id}": "120",
        f"q-{q['Områden'].id}": [str(q["Områden"].options[1].id)], "action": "save",
    })  # fmt: skip
    _send(client, token, 2, {
        f"q-{q['Vad saknas?'].id}": "Mer stöd till hela landsbygden.",
        f"q-{q['Hur väl?'].id}": "3",
    })  # fmt: skip
    response = db.session.scalars(db.select(Response)).one()
    assert [version.number for version in response.versions] == [1, 2]

    staff = client.application.test_client()
    login(staff, make_user("kronoberg", Role.VIEWER))
    base = f"/admin/r/kronoberg/c/{consultation.id}/responses/{response.id}"
    detail = staff.get(base).get_data(as_text=True)
    assert f'href="{base}/versions"' in detail

    latest = staff.get(f"{base}/versions")
    assert latest.status_code == 200
    html = latest.get_data(as_text=True)
    assert f'href="{base}/versions?number=1"' in html
    assert 'aria-current="page"' in html and "Jämfört med version 1" in html

    text = _row(html, q["Vad saknas?"])
    assert "Ändrat:" in text
    assert '<ins><span class="visually-hidden">[tillagt: </span>hela ' in text
    assert "<del>" not in text and "Mer stöd till " in text
    choice = _row(html, q["Områden"])
    assert "Ändrat:" in choice
    assert re.search(r"<del>.*borttaget: </span>Museer<", choice)
    assert re.search(r"<ins>.*tillagt: </span>Film<", choice)
    assert "Nytt:" in _row(html, q["Medlemmar"]) and "120" in _row(html, q["Medlemmar"])
    removed = _row(html, q["Tillfrågade?"])
    assert "Borttaget:" in removed and re.search(r"<del>.*borttaget: </span>Nej<", removed)
    assert "Oförändrat:" in _row(html, q["Hur väl?"]) and "3 av 5" in _row(html, q["Hur väl?"])
    assert re.search(r"<dt>Ändrade svar</dt><dd>2</dd>", html)

    first = staff.get(f"{base}/versions?number=1").get_data(as_text=True)
    assert "Den första versionen" in first and "Mer stöd till landsbygden." in first
    assert "<ins>" not in first and "<del>" not in first and "hela" not in first
    assert staff.get(f"{base}/versions?number=9").status_code == 404

    # Another region's staff cannot read them.
    other = client.application.test_client()
    login(other, make_user("blekinge", Role.EDITOR))
    assert other.get(f"{base}/versions").status_code == 404
