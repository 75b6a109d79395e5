"""After answering, an organisation is invited to join its region's alliance: on the
confirmation page and in the receipt mail."""

from __future__ import annotations

import re

from kick_forms.extensions import db
from kick_forms.mail.services import send_due
from tests.alliances.conftest import alliance
from tests.responses.conftest import nonce_on, start

KRONOBERG = "Ideell kulturallians Kronoberg"
KRONOBERG_URL = "https://www.facebook.com/groups/ikakronoberg/"


def _submit(client, consultation) -> str:  # type: ignore[no-untyped-def]
    """Answer the consultation's required questions and send; the confirmation page's URL."""
    questions = {q.label: q for q in consultation.questions}
    token = start(client)
    client.post(f"/respond/{token}/s/1", data={f"q-{questions['Ort'].id}": "Alvesta"})
    client.post(f"/respond/{token}/s/2", data={f"q-{questions['Hur väl?'].id}": "3"})
    nonce = nonce_on(client.get(f"/respond/{token}/check").get_data(as_text=True))
    sent = client.post(f"/respond/{token}/submit", data={"nonce": nonce})
    assert sent.status_code == 303
    return sent.headers["Location"]


def _receipt(smtp) -> str:  # type: ignore[no-untyped-def]
    while send_due().handled:
        pass
    receipts = [mail for _to, mail in smtp.received if mail["Subject"].startswith("Kvitto")]
    assert len(receipts) == 1
    return receipts[0].get_body(("plain",)).get_content().replace("\r\n", "\n")


def _panel(html: str) -> str:
    start = html.index('aria-labelledby="join-heading"')
    return html[start : html.index("</section>", start)]


def test_the_confirmation_and_the_receipt_invite_to_the_regions_alliance(
    client, consultation, smtp
):
    confirmation = client.get(_submit(client, consultation))
    assert confirmation.status_code == 200
    panel = _panel(confirmation.get_data(as_text=True))
    assert f">Gå med i {KRONOBERG}</h2>" in panel
    assert "hittar ideella kulturaktörer i regionen varandra" in panel
    assert f'<a href="{KRONOBERG_URL}" rel="noopener">{KRONOBERG} (öppnar Facebook)</a>' in panel

    text = _receipt(smtp)
    assert f"Gå med i {KRONOBERG}\n" in text
    assert f"{KRONOBERG}: {KRONOBERG_URL}\n" in text
    assert "/allianser" not in text


def test_inside_the_frame_the_links_open_a_new_tab(client, consultation):
    location = _submit(client, consultation)
    framed = client.get("/embed" + location).get_data(as_text=True)
    panel = _panel(framed)
    assert (
        f'<a href="{KRONOBERG_URL}" rel="noopener" target="_blank">'
        f"{KRONOBERG} (öppnar Facebook i en ny flik)</a>"
    ) in panel


def test_a_region_without_an_alliance_points_to_the_list(app, client, consultation, smtp):
    db.session.delete(alliance(KRONOBERG))
    db.session.commit()
    location = _submit(client, consultation)
    panel = _panel(client.get(location).get_data(as_text=True))
    assert ">Gå med i en regional kulturallians</h2>" in panel
    assert "Region Kronoberg har ingen regional kulturallians ännu." in panel
    assert '<a href="/allianser">Regionala kulturallianser</a>' in panel

    framed = _panel(client.get("/embed" + location).get_data(as_text=True))
    assert re.search(
        r'<a href="/allianser" target="_blank" rel="noopener">'
        r"Regionala kulturallianser \(öppnas i en ny flik\)</a>",
        framed,
    )

    text = _receipt(smtp)
    assert "Gå med i en regional kulturallians\n" in text
    assert f"{app.config['PUBLIC_URL']}/allianser\n" in text


def test_mail_written_outside_a_request_links_to_the_public_address(app):
    """The demo data submits answers from a command, with no request to take the host from."""
    app.config["PUBLIC_URL"] = "https://kickforms.example.se"
    list_url = app.jinja_env.globals["alliances_list_url"]
    assert list_url() == "https://kickforms.example.se/allianser"
