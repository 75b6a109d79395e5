"""Every staff route, for every kind of visitor: enumerated from the URL map.

A new route under /admin is picked up here automatically, so it cannot be forgotten.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kick_forms import create_app
from kick_forms.auth.services import create_user
from kick_forms.consultations.kick_templates import load_shipped_templates
from kick_forms.extensions import db
from kick_forms.models import (
    Attachment,
    CodeExample,
    Consultation,
    ConsultationDocument,
    ConsultationTemplate,
    CultureAlliance,
    DialogueMeeting,
    EmbedOrigin,
    NewsItem,
    NewsStatus,
    Organisation,
    OrganisationContact,
    RegionMembership,
    RegisterEntry,
    RegisterImport,
    RegistrationRequest,
    Response,
    ResponseVersion,
    Role,
    User,
)
from kick_forms.timeutil import utcnow
from kick_forms.tokens import new_token
from tests.conftest import csrf_token, login, make_consultation, make_user
from tests.responses.plan_helpers import a_paragraph

PUBLIC_ADMIN_ENDPOINTS = {
    "auth.login",
    "auth.logout",
    "sso.start",  # signing in through the region's own provider
    "sso.callback",
    "auth.password_forgot",
    "auth.password_reset",
    "twofactor.challenge",  # the second step of signing in
    "staff.welcome",  # an invited colleague's link: no account to log in with yet
}


def _staff_rules():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin") and rule.endpoint not in PUBLIC_ADMIN_ENDPOINTS
    ]
    return sorted(rules, key=lambda rule: rule.rule)


STAFF_ROUTES = [
    pytest.param(rule.rule, method, id=f"{method} {rule.rule}")
    for rule in _staff_rules()
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
]
# The region's own staff area. KICK's pages about a region (starting its alliance) are for
# platform admins only, as the route matrix (tests/test_route_matrix.py) checks.
REGION_ROUTES = [route for route in STAFF_ROUTES if route.values[0].startswith("/admin/r/")]


def _url(pattern: str, consultation: Consultation) -> str:
    section = consultation.sections[0]
    response = _answered(consultation)
    if pattern.endswith("/answer.pdf"):
        _sent(response)  # a draft is no incoming document: it has no PDF
    return (
        pattern.replace("<region_slug>", consultation.region.slug)
        .replace("<int:consultation_id>", str(consultation.id))
        .replace("<int:user_id>", _colleague(consultation) if "<int:user_id>" in pattern else "")
        .replace("<int:section_id>", str(section.id))
        .replace("<int:question_id>", str(section.questions[0].id))
        .replace("<int:paragraph_id>", _plan_ids(pattern, consultation)[0])
        .replace("<int:chapter_id>", _plan_ids(pattern, consultation)[1])
        .replace("<int:response_id>", str(response.id))
        .replace("<int:attachment_id>", str(response.attachments[0].id))
        .replace("<int:origin_id>", str(_embed_origin(consultation).id))
        .replace("<int:document_id>", str(_document(consultation).id))
        .replace("<int:organisation_id>", str(_registered(consultation).id))
        .replace("<int:import_id>", str(_file_to_import(consultation).id))
        .replace("<any(csv, xlsx):extension>", "csv")
        .replace("<int:contact_id>", str(_contact(consultation).id))
        .replace("<int:request_id>", str(_registration_request(consultation).id))
        .replace("<item_key>", "register_gaps")
        .replace("<int:meeting_id>", str(_meeting(consultation).id))
        .replace("<level_key>/<step_key>/<int:example_id>", _code_example())
        .replace(
            "<int:alliance_id>", str(db.session.scalars(db.select(CultureAlliance.id)).first())
        )
        .replace("<int:template_id>", _template() if "<int:template_id>" in pattern else "")
        .replace("<int:item_id>", news_item(pattern, consultation))
    )


def news_item(pattern: str, consultation: Consultation) -> str:
    """A published piece of news for a route that needs one: the region's under /admin/r/ and
    on the public pages, KICK's national news under /admin/nytt."""
    if "<int:item_id>" not in pattern:
        return ""
    national = pattern.startswith("/admin/") and not pattern.startswith("/admin/r/")
    item = NewsItem(
        region=None if national else consultation.region,
        title="Nyhet",
        body="Text",
        status=NewsStatus.PUBLISHED,
        published_at=utcnow() - timedelta(hours=1),
    )
    db.session.add(item)
    db.session.commit()
    return str(item.id)


def _document(consultation: Consultation) -> ConsultationDocument:
    """A document of the consultation, for the routes of its documents."""
    if not consultation.documents:
        consultation.documents.append(
            ConsultationDocument(title="Planen", filename="plan.pdf",
                                 content_type="application/pdf", size=5, sha256="0" * 64,
                                 data=b"%PDF-")
        )  # fmt: skip
        db.session.commit()
    return consultation.documents[0]


def _template() -> str:
    """The id of KICK's template, loaded as an operator would."""
    load_shipped_templates()
    db.session.commit()
    return str(db.session.scalars(db.select(ConsultationTemplate.id)).first())


def _plan_ids(pattern: str, consultation: Consultation) -> tuple[str, str]:
    """A paragraph's and its chapter's ids, made with a plan's text only for a route that needs
    them."""
    if "<int:paragraph_id>" not in pattern and "<int:chapter_id>" not in pattern:
        return "", ""
    paragraph = a_paragraph(consultation)
    return str(paragraph.id), str(paragraph.chapter_id)


def _code_example() -> str:
    """An example of a way of working in the Code's matrix, as its cell and id in a URL."""
    example = db.session.scalars(db.select(CodeExample)).first()
    if example is None:
        example = CodeExample(level_key="dialogue", step_key="drafting", name_sv="Hearing",
                              name_en="Hearing")  # fmt: skip
        db.session.add(example)
        db.session.commit()
    return f"{example.level_key}/{example.step_key}/{example.id}"


def _meeting(consultation: Consultation) -> DialogueMeeting:
    """A dialogue meeting with minutes, for the method page's routes."""
    meeting = db.session.scalars(
        db.select(DialogueMeeting).filter_by(consultation_id=consultation.id)
    ).first()
    if meeting is None:
        meeting = DialogueMeeting(consultation_id=consultation.id, held_on=date(2027, 3, 14),
                                  place="Ljungby", minutes_filename="protokoll.pdf",
                                  minutes_type="application/pdf", minutes=b"%PDF-")  # fmt: skip
        db.session.add(meeting)
        db.session.commit()
    return meeting


def _contact(consultation: Consultation) -> OrganisationContact:
    organisation = _registered(consultation)
    if not organisation.all_contacts:
        organisation.all_contacts.append(
            OrganisationContact(
                region_id=consultation.region_id, name="Eva Ek", email="eva@example.se"
            )
        )
        db.session.commit()
    return organisation.all_contacts[0]


def _registration_request(consultation: Consultation) -> RegistrationRequest:
    """A confirmed request to be listed in the region's register, still waiting for staff to
    decide on it (a request already decided is not found any more)."""
    listing = db.session.scalars(
        db.select(RegistrationRequest)
        .filter_by(region_id=consultation.region_id, decided_at=None)
        .where(RegistrationRequest.confirmed_at.is_not(None))
        .order_by(RegistrationRequest.id)
    ).first()
    if listing is None:
        now = utcnow()
        listing = RegistrationRequest(
            region_id=consultation.region_id,
            name="Kören i Växjö",
            contact_name="Eva Ek",
            contact_email="eva@example.se",
            expires_at=now,
            confirmed_at=now,
        )
        db.session.add(listing)
        db.session.commit()
    return listing


def _colleague(consultation: Consultation) -> str:
    """The id of a member of staff of the consultation's region, for the routes that act on a
    person."""
    email = f"colleague-{consultation.region.slug}@example.se"
    user = db.session.scalars(db.select(User).filter_by(email=email)).one_or_none()
    if user is None:
        user = User(email=email, password_hash="-")
        db.session.add(user)
        db.session.flush()
        db.session.add(
            RegionMembership(user_id=user.id, region_id=consultation.region_id, role="editor")
        )
        db.session.commit()
    return str(user.id)


def _file_to_import(consultation: Consultation) -> RegisterImport:
    """An import waiting to run: a new one once a role has run the last (it runs once)."""
    started = db.session.scalars(
        db.select(RegisterImport).filter_by(region_id=consultation.region_id, imported_at=None)
    ).first()
    if started is None:
        user = db.session.scalars(db.select(User)).first() or create_user(
            "importer@example.se", "importer password"
        )
        started = RegisterImport(
            region_id=consultation.region_id,
            user_id=user.id,
            filename="register.csv",
            data="Namn;Kommun\nVäxjö kammarkör;Växjö\n".encode(),
        )
        db.session.add(started)
        db.session.commit()
    return started


def _registered(consultation: Consultation) -> Organisation:
    """An organisation in the region's register, for the register's own pages."""
    entry = db.session.scalars(
        db.select(RegisterEntry).filter_by(region_id=consultation.region_id)
    ).first()
    if entry is None:
        organisation = Organisation(name="Kören", owner_region_id=consultation.region_id)
        db.session.add(organisation)
        db.session.flush()
        entry = RegisterEntry(region_id=consultation.region_id, organisation_id=organisation.id)
        db.session.add(entry)
        db.session.commit()
    return entry.organisation


def _embed_origin(consultation: Consultation) -> EmbedOrigin:
    """A website allowed to frame the region's forms, for the routes that remove one."""
    origin = db.session.scalars(
        db.select(EmbedOrigin).filter_by(region_id=consultation.region_id)
    ).first()
    if origin is None:
        origin = EmbedOrigin(region_id=consultation.region_id, origin="https://www.example.se")
        db.session.add(origin)
        db.session.commit()
    return origin


def _answered(consultation: Consultation) -> Response:
    """A response with a file, so that the staff pages for responses have something to show."""
    response = db.session.scalars(
        db.select(Response).filter_by(consultation_id=consultation.id)
    ).first()
    if response is None:
        response = Response(consultation_id=consultation.id, organisation_name="Kören")
        response.attachments = [
            Attachment(filename="svar.pdf", content_type="application/pdf", size=5,
                       sha256="0" * 64, data=b"%PDF-")
        ]  # fmt: skip
        db.session.add(response)
        db.session.commit()
    return response


def _sent(response: Response) -> None:
    """The response as its organisation sent it: one version, for the records' routes."""
    if not response.versions:
        version = ResponseVersion(response_id=response.id, number=1, submit_nonce=new_token())
        db.session.add(version)
        db.session.flush()
        response.current_version_id = version.id
        response.status = "submitted"
        response.submitted_at = utcnow()
        db.session.commit()


def _form_data(token: str) -> dict[str, str]:
    # Enough for any staff form to pass validation, so a refusal can only come from access.
    return {
        "csrf_token": token,
        "title": "Titel",
        "label": "Fråga",
        "kind": "short_text",
        "direction": "down",
        "status": "open",
    }


def _snapshot() -> list[tuple]:
    db.session.expire_all()
    return [
        (
            c.id,
            c.title,
            c.status,
            [(s.id, s.title, [q.label for q in s.questions]) for s in c.sections],
        )
        for c in db.session.scalars(db.select(Consultation).order_by(Consultation.id))
    ]


@pytest.mark.parametrize(("pattern", "method"), STAFF_ROUTES)
def test_anonymous_visitors_are_sent_to_login(client, pattern, method):
    url = _url(pattern, make_consultation())
    response = client.open(url, method=method)
    if method == "GET":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login?next=")
    else:
        # Without a session there is no CSRF token either: refused before anything happens.
        assert response.status_code in (302, 400)


@pytest.mark.parametrize(("pattern", "method"), REGION_ROUTES)
def test_staff_of_another_region_get_404_on_every_url(client, pattern, method):
    consultation = make_consultation(region_slug="kronoberg")
    login(client, make_user("blekinge", Role.EDITOR))
    token = csrf_token(client, "/admin/")
    before = _snapshot()
    response = client.open(_url(pattern, consultation), method=method, data=_form_data(token))
    assert response.status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize(("pattern", "method"), REGION_ROUTES)
def test_a_viewer_can_read_but_not_change_anything(client, pattern, method):
    consultation = make_consultation(region_slug="kronoberg")
    login(client, make_user("kronoberg", Role.VIEWER))
    token = csrf_token(client, "/admin/")
    before = _snapshot()
    url = _url(pattern, consultation)
    response = client.open(url, method=method, data=_form_data(token))
    changes = (
        method != "GET"
        # Pages that are forms which write: the staff's quality survey.
        or url.endswith(("/edit", "/new", "/settings", "/delete", "/close", "/export", "/quality"))
        or "/organisations/import" in url
        # The colleagues' pages are the region's admins' alone.
        or "/staff" in url
        # The region's sign-in service: its admins see it, a platform admin sets it.
        or url.endswith("/sso")
        # The archive package names every contact person: for editors and admins.
        or url.endswith("/archive.zip")
    )
    assert response.status_code == (403 if changes else 200)
    assert _snapshot() == before
    if not changes and response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        assert "/edit" not in html and "/delete" not in html and "/move" not in html


@pytest.mark.parametrize(("pattern", "method"), REGION_ROUTES)
def test_editors_and_platform_admins_reach_every_url(client, pattern, method):
    consultation = make_consultation(region_slug="kronoberg")
    login(client, make_user(None, None, platform=True))
    token = csrf_token(client, "/admin/")
    url = _url(pattern, consultation)
    response = client.open(url, method=method, data=_form_data(token))
    # 409: the archive package of a consultation whose results are not published yet.
    # 409 also: closing a consultation that is not open (the matrix's is a draft).
    refused = (409,) if url.endswith(("/archive.zip", "/close")) else ()
    assert response.status_code in (200, 303, 422, *refused)
