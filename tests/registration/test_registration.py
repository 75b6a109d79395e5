"""An organisation asks to be listed, confirms by email, and staff approve, merge or reject."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from kick_forms.extensions import db
from kick_forms.mail.services import send_due
from kick_forms.models import (
    AuditEvent,
    Organisation,
    OutboxMessage,
    RegistrationRequest,
    Role,
)
from kick_forms.organisations import services as register
from kick_forms.registration import services as registration
from kick_forms.timeutil import utcnow
from kick_forms.tokens import hash_token
from tests.conftest import csrf_token, login, make_app, make_user, region

FORM = "/r/kronoberg/register"
REQUESTS = "/admin/r/kronoberg/organisations/requests"
LINK = re.compile(r"https?://\S+/register/confirm/[A-Za-z0-9_-]+")


def _typed(**changes) -> dict:
    data = {
        "name": "Växjö kammarkör",
        "organisation_number": "",
        "municipality": "0780",
        "categories": ["choir"],
        "website": "https://kammarkor.example.se",
        "description": "Vi sjunger a cappella.",
        "contact_name": "Eva Ek",
        "contact_email": "eva@example.se",
        "privacy": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _ask(client, **changes):  # type: ignore[no-untyped-def]
    data = _typed(**changes)
    data["csrf_token"] = csrf_token(client, FORM)
    return client.post(FORM, data=data)


def _confirm(client, link: str, token: str):  # type: ignore[no-untyped-def]
    return client.post(urlsplit(link).path, data={"csrf_token": token})


def _confirmed(name: str = "Växjö kammarkör", slug: str = "kronoberg", **details):  # type: ignore[no-untyped-def]
    """A request its contact person has confirmed, as staff find it."""
    listing = registration.request_listing(
        region(slug),
        register.OrganisationData(
            name=name,
            organisation_number=details.get("number"),
            municipality_code=details.get("municipality", "0780"),
            category_keys=details.get("categories", ["choir"]),
            website=details.get("website"),
            description=details.get("description", ""),
        ),
        "Eva Ek",
        "eva@example.se",
        utcnow(),
        lambda token: token,
    )
    registration.confirm(listing, utcnow())
    db.session.commit()
    return listing


def _decide(client, listing, decision: str, **data):  # type: ignore[no-untyped-def]
    data["csrf_token"] = csrf_token(client, REQUESTS)
    return client.post(f"{REQUESTS}/{listing.id}/{decision}", data=data)


def test_the_mailed_link_confirms_once_and_only_then_staff_see_the_request(app, client, smtp):
    staff = app.test_client()
    login(staff, make_user("kronoberg", Role.EDITOR))

    assert "Saknas er organisation?" in client.get("/r/kronoberg/").get_data(as_text=True)
    sent = _ask(client)
    assert sent.status_code == 303
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Titta i din e-post" in page and "48 timmar" in page

    send_due()
    [(recipients, mail)] = smtp.received
    assert recipients == ["eva@example.se"]
    assert "Växjö kammarkör" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert text.startswith("Hej Eva Ek!")
    link = LINK.search(text).group(0)
    token = link.rsplit("/", 1)[1]
    assert db.session.scalar(select(RegistrationRequest.token_hash)) == hash_token(token)
    assert "Växjö kammarkör" not in staff.get(REQUESTS).get_data(as_text=True)

    # Opening the link only shows a button: a mail scanner following it confirms nothing.
    opened = client.get(urlsplit(link).path)
    assert opened.status_code == 200 and "Bekräfta ansökan" in opened.get_data(as_text=True)
    assert "Växjö kammarkör" not in staff.get(REQUESTS).get_data(as_text=True)

    form_token = csrf_token(client, urlsplit(link).path)
    confirmed = _confirm(client, link, form_token)
    assert confirmed.status_code == 303
    assert "ansökan är bekräftad" in client.get(confirmed.headers["Location"]).get_data(
        as_text=True
    )
    listed = staff.get(REQUESTS).get_data(as_text=True)
    assert "Växjö kammarkör" in listed and "eva@example.se" in listed

    again = _confirm(client, link, form_token)
    assert again.status_code == 404
    assert "fungerar bara en gång" in again.get_data(as_text=True)
    assert client.get(urlsplit(link).path).status_code == 404


def test_an_expired_link_asks_to_send_the_form_again(client):
    _ask(client)
    link = LINK.search(db.session.scalars(select(OutboxMessage.body_text)).one()).group(0)
    listing = db.session.scalars(select(RegistrationRequest)).one()
    listing.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    expired = client.get(urlsplit(link).path)
    assert expired.status_code == 410
    html = expired.get_data(as_text=True)
    assert "Länken har slutat gälla" in html and f'href="{FORM}"' in html
    assert client.post(urlsplit(link).path).status_code in (400, 410)
    assert db.session.get(RegistrationRequest, listing.id).confirmed_at is None


def test_bad_input_is_refused_and_keeps_what_was_typed(client):
    refused = _ask(
        client,
        categories=None,
        contact_email="eva@",
        privacy=None,
        organisation_number="19800101-1234",
        website="kammarkor",
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "<title>Fel:" in html and 'class="error-summary"' in html
    for problem in ("Välj minst en typ", "namn@example.se", "Bekräfta att du har läst",
                    "personnummer", "https://"):  # fmt: skip
        assert problem in html
    assert 'value="Växjö kammarkör"' in html and "Vi sjunger a cappella." in html
    assert 'value="eva@"' in html and '<option selected value="0780">' in html
    assert db.session.scalar(select(func.count(RegistrationRequest.id))) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert client.get("/r/atlantis/register").status_code == 404


def test_public_writes_are_rate_limited(database_url):
    app = make_app(database_url, RATELIMIT_ENABLED=True, PUBLIC_WRITE_RATE_LIMIT="2 per minute")
    client = app.test_client()
    with app.app_context():
        statuses = [_ask(client, name="").status_code for _ in range(3)]
        db.session.remove()
        db.engine.dispose()
    assert statuses == [422, 422, 429]


def test_approving_lists_one_organisation_with_its_contact_person(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    unconfirmed = registration.request_listing(
        region("kronoberg"),
        register.OrganisationData("Alvesta blåsorkester", None, "0764", ["music"]),
        "Ola Berg", "ola@example.se", utcnow(), lambda token: token,
    )  # fmt: skip
    listing = _confirmed(website="https://kammarkor.example.se")
    page = client.get(REQUESTS).get_data(as_text=True)
    assert "Alvesta blåsorkester" not in page  # not confirmed: staff do not see it
    assert _decide(client, unconfirmed, "approve").status_code == 404

    approved = _decide(client, listing, "approve")
    assert approved.status_code == 303
    after = client.get(approved.headers["Location"]).get_data(as_text=True)
    assert "Växjö kammarkör finns nu i registret." in after
    assert "Ingen ansökan väntar." in after

    organisation = db.session.scalars(select(Organisation)).one()
    assert organisation.website == "https://kammarkor.example.se"
    assert [c.key for c in organisation.categories] == ["choir"]
    assert [(c.name, c.email) for c in organisation.all_contacts] == [("Eva Ek", "eva@example.se")]
    assert "Växjö kammarkör" in client.get("/admin/r/kronoberg/organisations").get_data(
        as_text=True
    )

    twice = _decide(client, listing, "approve")
    assert "redan avgjord" in client.get(twice.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count(Organisation.id))) == 1

    decided = db.session.get(RegistrationRequest, listing.id)
    assert (decided.outcome, decided.organisation_id) == ("approved", organisation.id)
    assert (decided.contact_name, decided.contact_email) == ("", "")
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.startswith("registration."))
    ).all()
    assert (event.action, event.subject) == ("registration.approve", f"request:{listing.id}")
    assert "Eva" not in event.detail + event.subject
    # Seeing the request with its contact person was recorded too, before the decision.
    seen = db.session.scalars(select(AuditEvent).filter_by(action="requests.view")).all()
    assert seen and all("Eva" not in e.detail for e in seen)


def test_approving_a_known_number_lists_the_organisation_kicks_forms_already_has(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    known = register.register_organisation(
        region("blekinge"),
        register.OrganisationData("Riksförbundet Sveriges körer", "802455-1239", None),
    )
    listing = _confirmed("Sveriges körer", number="802455-1239")
    page = client.get(REQUESTS).get_data(as_text=True)
    assert "Riksförbundet Sveriges körer, 802455-1239 (inte i registret än)" in page

    assert _decide(client, listing, "approve").status_code == 303
    assert db.session.scalar(select(func.count(Organisation.id))) == 1
    assert register.registered(region("kronoberg"), known)
    contacts = db.session.get(Organisation, known.id).all_contacts
    assert [c.email for c in contacts] == ["eva@example.se"]


def test_merging_fills_only_what_is_missing_and_adds_the_contact_person(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    existing = register.register_organisation(
        region("kronoberg"),
        register.OrganisationData(
            "Växjö Kammarkör", None, "0780", website="https://gammal.example.se"
        ),
    )
    other = register.register_organisation(
        region("kronoberg"), register.OrganisationData("Ljungby kör", None, "0781")
    )
    listing = _confirmed(
        "växjö  kammarkör",
        number="802455-1239",
        website="https://ny.example.se",
        description="Vi sjunger.",
    )
    field = f"request-{listing.id}-organisation"
    page = client.get(REQUESTS).get_data(as_text=True)
    assert f'name="{field}"' in page and f'value="{existing.id}"' in page

    unchosen = _decide(client, listing, "merge")
    assert unchosen.status_code == 422
    assert "Välj organisationen att slå ihop med." in unchosen.get_data(as_text=True)
    assert _decide(client, listing, "merge", **{field: other.id}).status_code == 422

    merged = _decide(client, listing, "merge", **{field: existing.id})
    assert merged.status_code == 303
    assert "sammanslagen med Växjö Kammarkör" in client.get(merged.headers["Location"]).get_data(
        as_text=True
    )
    organisation = db.session.get(Organisation, existing.id)
    assert organisation.name == "Växjö Kammarkör"
    assert organisation.website == "https://gammal.example.se"
    assert organisation.description == "Vi sjunger."
    assert organisation.organisation_number == "802455-1239"
    assert [c.key for c in organisation.categories] == ["choir"]
    assert [c.name for c in organisation.all_contacts] == ["Eva Ek"]
    assert db.session.scalar(select(func.count(Organisation.id))) == 2

    decided = db.session.get(RegistrationRequest, listing.id)
    assert (decided.outcome, decided.organisation_id) == ("merged", existing.id)
    assert (decided.contact_name, decided.contact_email) == ("", "")


def test_rejecting_creates_nothing_and_forgets_the_contact_person(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    listing = _confirmed()
    rejected = _decide(client, listing, "reject")
    assert rejected.status_code == 303
    assert "Ansökan är avslagen." in client.get(rejected.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count(Organisation.id))) == 0
    decided = db.session.get(RegistrationRequest, listing.id)
    assert (decided.outcome, decided.contact_name, decided.contact_email) == ("rejected", "", "")


def test_viewers_see_requests_without_contact_persons_and_cannot_decide(client):
    login(client, make_user("kronoberg", Role.VIEWER))
    listing = _confirmed()
    page = client.get(REQUESTS).get_data(as_text=True)
    assert "Växjö kammarkör" in page
    assert "Eva Ek" not in page and "/approve" not in page
    for decision in ("approve", "merge", "reject"):
        assert _decide(client, listing, decision).status_code == 403
    assert db.session.get(RegistrationRequest, listing.id).decided_at is None


def test_staff_of_another_region_get_404(client):
    login(client, make_user("blekinge", Role.EDITOR))
    listing = _confirmed()
    assert client.get(REQUESTS).status_code == 404
    token = csrf_token(client, "/admin/r/blekinge/organisations/requests")
    url = f"/admin/r/blekinge/organisations/requests/{listing.id}/approve"
    assert client.post(url, data={"csrf_token": token}).status_code == 404
    assert db.session.get(RegistrationRequest, listing.id).decided_at is None


def test_the_person_who_asked_is_told_the_decision(client, smtp):
    staff_user = make_user("kronoberg", Role.EDITOR)
    login(client, staff_user)
    approved, merged, rejected = _confirmed(), _confirmed("Ljungby kör"), _confirmed("Älmhult kör")
    existing = register.register_organisation(
        region("kronoberg"), register.OrganisationData("Ljungby Kör", None, "0780")
    )
    db.session.commit()
    send_due()
    smtp.received.clear()  # the confirmation links

    assert _decide(client, approved, "approve").status_code == 303
    merging = {f"request-{merged.id}-organisation": existing.id}
    assert _decide(client, merged, "merge", **merging).status_code == 303
    assert _decide(client, rejected, "reject").status_code == 303
    send_due()

    mails = {mail["Subject"]: mail for _, mail in smtp.received}
    assert sorted(mails) == [
        "Ljungby kör finns nu i registret hos Region Kronoberg",
        "Växjö kammarkör finns nu i registret hos Region Kronoberg",
        "Älmhult kör lades inte till i registret hos Region Kronoberg",
    ]
    assert {rcpts[0] for rcpts, _ in smtp.received} == {"eva@example.se"}
    added = mails["Växjö kammarkör finns nu i registret hos Region Kronoberg"]
    text = added.get_body(("plain",)).get_content()
    assert text.startswith("Hej Eva Ek!")
    assert "inbjudningar till samråd" in text and "/r/kronoberg/" in text and "/integritet" in text
    refused = mails["Älmhult kör lades inte till i registret hos Region Kronoberg"]
    text = refused.get_body(("plain",)).get_content()
    assert "har inte lagt till den" in text and "raderats ur ansökan" in text
    # Which member of staff decided is not the person's business.
    for mail in mails.values():
        assert staff_user.email not in mail.get_body(("plain",)).get_content()


def test_staff_merge_with_any_organisation_of_the_register_by_number_or_name(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    kronoberg = region("kronoberg")
    renamed = register.register_organisation(
        kronoberg, register.OrganisationData("Kammarkören Cantus", "802455-1239", "0764")
    )
    for municipality in ("0764", "0781"):  # two choirs of one name
        register.register_organisation(
            kronoberg, register.OrganisationData("Kyrkokören", None, municipality)
        )
    register.register_organisation(  # in another region's register only
        region("blekinge"), register.OrganisationData("Blekinge kör", None, "1080")
    )
    db.session.commit()
    listing = _confirmed("Cantus")  # no look-alike: another name, no number
    other = f"request-{listing.id}-other"
    page = client.get(REQUESTS).get_data(as_text=True)
    assert f'name="request-{listing.id}-organisation"' not in page
    assert f'<label class="label" for="{other}">Samma organisation i registret</label>' in page

    refusals = {
        "": "Välj organisationen att slå ihop med.",
        "Ingen sådan kör": "Ingen organisation i registret har det numret eller namnet.",
        "kyrkokören": "Flera organisationer i registret har det namnet: ange numret.",
        "Blekinge kör": "Ingen organisation i registret har det numret eller namnet.",
    }
    for typed, message in refusals.items():
        refused = _decide(client, listing, "merge", **{other: typed})
        assert refused.status_code == 422
        html = refused.get_data(as_text=True)
        assert message in html and f'href="#{other}"' in html
        assert f'value="{typed}"' in html or not typed  # what was typed is kept

    merged = _decide(client, listing, "merge", **{other: "8024551239"})
    assert merged.status_code == 303
    decided = db.session.get(RegistrationRequest, listing.id)
    assert (decided.outcome, decided.organisation_id) == ("merged", renamed.id)
    assert [c.name for c in db.session.get(Organisation, renamed.id).all_contacts] == ["Eva Ek"]


def test_a_look_alike_and_another_organisation_together_are_refused(client):
    login(client, make_user("kronoberg", Role.EDITOR))
    existing = register.register_organisation(
        region("kronoberg"), register.OrganisationData("Växjö kammarkör", None, "0780")
    )
    register.register_organisation(
        region("kronoberg"), register.OrganisationData("Ljungby kör", None, "0781")
    )
    db.session.commit()
    listing = _confirmed()
    prefix = f"request-{listing.id}"
    both = {f"{prefix}-organisation": existing.id, f"{prefix}-other": "Ljungby kör"}
    refused = _decide(client, listing, "merge", **both)
    assert refused.status_code == 422
    assert "inte båda" in refused.get_data(as_text=True)
    assert db.session.get(RegistrationRequest, listing.id).decided_at is None
