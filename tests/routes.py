"""Every route of the app, filled with real objects, for the tests that walk the URL map.

The staff routes' objects come from the /admin authorisation test's helpers; this module adds
the private links, the public pages, and quick ways to act as each kind of visitor.
"""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier
from itsdangerous import URLSafeTimedSerializer
from werkzeug.routing import Rule

from kick_forms import create_app
from kick_forms.auth.services import SESSION_KEY, grant_role, start_session
from kick_forms.dialogue import quality
from kick_forms.extensions import db
from kick_forms.invitations import services as invitations
from kick_forms.models import (
    AllianceInterest,
    Consultation,
    ConsultationStatus,
    Follower,
    Invitation,
    Organisation,
    RegisterEntry,
    RegistrationRequest,
    Response,
    ResponseContact,
    Role,
    User,
)
from kick_forms.news import following
from kick_forms.studyguide import guide
from kick_forms.timeutil import utcnow
from kick_forms.tokens import hash_token, new_token
from tests.conftest import make_consultation, region
from tests.consultations.test_authorisation import (
    _answered,
    _contact,
    _document,
    _registration_request,
    _url,
    news_item,
)
from tests.responses.plan_helpers import a_paragraph

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def all_rules() -> list[Rule]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))


def route_methods(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def staff(region_slug: str | None, role: Role | None, platform: bool = False) -> User:
    """A staff account without a real password: the tests log in through the session."""
    suffix = f"{region_slug or 'platform'}-{role.value if role else 'none'}"
    user = User(email=f"{suffix}@example.se", password_hash="-", is_platform_admin=platform)
    db.session.add(user)
    db.session.flush()
    if region_slug and role:
        grant_role(user, region(region_slug), role)
    db.session.commit()
    return user


def visitor(app: Flask, user: User | None) -> tuple[FlaskClient, str]:
    """A client logged in as ``user`` (or anonymous) and a CSRF token valid for its session."""
    client = app.test_client()
    raw = hashlib.sha1(os.urandom(64)).hexdigest()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()  # what Flask-Login's strong protection compares
    session_id = start_session(user) if user is not None else None
    db.session.commit()
    with client.session_transaction() as session:
        session["csrf_token"] = raw
        if user is not None:
            session[SESSION_KEY] = session_id  # a live server-side session, as a login makes
            session["_user_id"] = str(user.id)
            session["_fresh"] = True
            session["_id"] = identifier
    token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)
    return client, token


class Links:
    """The private links of one consultation: a draft response, an invitation, a survey, a
    request to be listed; each as the token its URL carries."""

    def __init__(self, consultation: Consultation) -> None:
        response = _answered(consultation)
        # As the form "who you are" leaves it: the receipt goes to this person.
        response.contact = response.contact or ResponseContact(name="Eva", email="eva@example.se")
        self.response = new_token()
        response.token_hash = hash_token(self.response)
        organisation = _contact(consultation).organisation
        invitation = Invitation(consultation_id=consultation.id, organisation_id=organisation.id)
        db.session.add(invitation)
        db.session.flush()
        self.invitation = invitations.invitation_token(
            invitation.id, organisation.all_contacts[0].id
        )
        self.unsubscribe = invitations.unsubscribe_token(organisation.all_contacts[0].id)
        self.survey = quality.survey_token(response)
        _registration_request(consultation)  # the confirmed one staff decide on comes first
        self.register = new_token()
        db.session.add(
            RegistrationRequest(
                region_id=consultation.region_id,
                name="Kammarkören",
                contact_name="Per Holm",
                contact_email="per@example.se",
                token_hash=hash_token(self.register),
                expires_at=utcnow() + timedelta(days=1),
            )
        )
        self.alliance = new_token()
        db.session.add(
            AllianceInterest(
                region_id=consultation.region_id,
                organisation_name="Kammarkören",
                contact_name="Per Holm",
                contact_email="per@example.se",
                token_hash=hash_token(self.alliance),
                expires_at=utcnow() + timedelta(days=1),
            )
        )
        self.follow = new_token()
        follower = Follower(
            email="per@example.se",
            token_hash=hash_token(self.follow),
            secret=new_token(),
            expires_at=utcnow() + timedelta(days=1),
        )
        confirmed = Follower(
            email="eva@example.se", secret=new_token(), confirmed_at=utcnow(), expires_at=utcnow()
        )
        db.session.add_all([follower, confirmed])
        db.session.flush()
        self.stop_following = following.unsubscribe_token(confirmed)
        db.session.commit()

    def for_endpoint(self, endpoint: str) -> str:
        if endpoint in ("responses.invited", "embed.invited"):
            return self.invitation
        return {
            "invitations.unsubscribe": self.unsubscribe,
            "dialogue.organisation_survey": self.survey,
            "registration.confirm": self.register,
            "alliances.interest_confirm": self.alliance,
            "news.follow_confirm": self.follow,
            "news.unsubscribe": self.stop_following,
        }.get(endpoint, self.response)


def fill(rule: Rule, consultation: Consultation, token: str) -> str:
    """The rule's URL with every placeholder replaced by an object of the consultation."""
    pattern = rule.rule
    response = _answered(consultation)
    # The plan's text to comment on, for the answering flow's step on it.
    paragraph = a_paragraph(consultation) if "/plan" in pattern else None
    if rule.rule.startswith("/admin"):
        return _url(pattern, consultation).replace("<level_key>/<step_key>", "dialogue/drafting")
    return (
        pattern.replace("<region_slug>", consultation.region.slug)
        .replace("<consultation_slug>", consultation.slug)
        .replace("<int:consultation_id>", str(consultation.id))
        .replace("<token>", token)
        .replace("<int:attachment_id>", str(response.attachments[0].id))
        .replace("<int:document_id>", str(_document(consultation).id))
        .replace("<int:number>", "1")
        .replace("<int:question_id>", str(consultation.sections[0].questions[0].id))
        .replace("<int:paragraph_id>", str(paragraph.id) if paragraph else "")
        .replace(
            "<slug>", "kom-igang" if pattern.startswith("/hjalp") else guide.sessions()[0].slug
        )
        .replace("<path:filename>", "css/kick.css")
        .replace("<int:item_id>", news_item(pattern, consultation))
    )


def consultation_for(rule: Rule, slug: str) -> Consultation:
    """Staff pages work on a draft (the builder's own state); the public pages on an open
    consultation."""
    status = ConsultationStatus.DRAFT if rule.rule.startswith("/admin") else ConsultationStatus.OPEN
    return make_consultation(region_slug="kronoberg", slug=slug, status=status)


def other_region() -> None:
    """Blekinge's data: a consultation with a response and an organisation in its register."""
    consultation = make_consultation(region_slug="blekinge", slug="blekinge-plan")
    _answered(consultation)
    organisation = Organisation(
        name="Blekinge spelmansförbund", owner_region_id=consultation.region_id
    )
    db.session.add(organisation)
    db.session.flush()
    db.session.add(RegisterEntry(region_id=consultation.region_id, organisation_id=organisation.id))
    db.session.commit()


def snapshot(region_slug: str) -> list:
    """What a region holds: its consultations with their questions, responses and register."""
    db.session.expire_all()
    place = region(region_slug)
    consultations = db.session.scalars(
        db.select(Consultation).filter_by(region_id=place.id).order_by(Consultation.id)
    )
    register = db.session.scalars(
        db.select(RegisterEntry).filter_by(region_id=place.id).order_by(RegisterEntry.id)
    )
    return [
        [
            (
                c.id, c.title, c.status, c.slug,
                [(s.id, s.title, [(q.id, q.label) for q in s.questions]) for s in c.sections],
                [
                    (r.id, r.status, r.organisation_name, len(r.attachments))
                    for r in db.session.scalars(
                        db.select(Response).filter_by(consultation_id=c.id).order_by(Response.id)
                    )
                ],
            )
            for c in consultations
        ],
        [(e.id, e.organisation.name, [p.email for p in e.organisation.all_contacts])
         for e in register],
    ]  # fmt: skip
