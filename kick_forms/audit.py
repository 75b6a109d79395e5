"""The audit log: who viewed, exported, erased or published what, for the region's staff to read.

``record`` adds an event to the caller's transaction, so an action and its record are kept or
lost together. Name the subject by kind and id; never write personal data into an event.
"""

from __future__ import annotations

from flask_login import current_user

from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import AuditEvent, Region
from kick_forms.timeutil import utcnow

# Every action that may be recorded, with the words the audit log shows for it. ``record``
# refuses any other, so an event can never reach the log without a label its readers understand.
ACTIONS = {
    # Personal data seen, downloaded or erased.
    "contacts.view": _l("Viewed contact persons"),
    "contact.add": _l("Added a contact person"),
    "contact.export": _l("Exported a contact person's data"),
    "contact.erase": _l("Erased a contact person's data"),
    "response.view": _l("Viewed an answer and its contact person"),
    "responses.export": _l("Downloaded the responses"),
    "requests.view": _l("Viewed requests to be listed and their contact persons"),
    "privacy.purge": _l("Deleted old personal data"),
    # Answers and their review.
    "response.enter": _l("Registered an answer that arrived outside the form"),
    "response.delete_draft": _l("An organisation deleted its unsent draft"),
    "review.publish": _l("Published a text or statement after review"),
    "review.hide": _l("Hid a text or statement from the public"),
    "review.redact": _l("Published a text with passages masked"),
    # Consultations and the method.
    "consultation.status": _l("Changed a consultation's status"),
    "document.remove": _l("Removed a document from a consultation that was no longer a draft"),
    "consultation.copy": _l("Copied a consultation into a new draft"),
    "consultation.from_template": _l("Started a consultation from a template"),
    "consultation.delete": _l("Deleted a draft consultation"),
    "template.save": _l("KICK saved a consultation as a template"),
    "template.describe": _l("KICK changed a template's title or description"),
    "consultation.close": _l("Closed a consultation for answers"),
    "plan.replace": _l("Replaced the plan's text of a draft consultation"),
    "plan.delete": _l("Deleted the plan's text of a draft consultation"),
    "invitations.send": _l("Sent invitations"),
    "meeting.delete": _l("Removed a dialogue meeting"),
    "code_example.add": _l("KICK added an example of a way of working"),
    "code_example.change": _l("KICK changed an example of a way of working"),
    "code_example.remove": _l("KICK removed an example of a way of working"),
    "code_example.move": _l("KICK moved an example of a way of working"),
    # The register.
    "register.export": _l("Downloaded the register"),
    "register.import": _l("Imported into the register"),
    "register.list": _l("Listed an organisation in the register"),
    "register.notes": _l("Changed the region's notes on an organisation"),
    "organisation.update": _l("Changed an organisation's details"),
    "registration.approve": _l("Approved a request to be listed"),
    "registration.merge": _l("Merged a request to be listed with an organisation"),
    "registration.reject": _l("Rejected a request to be listed"),
    "alliance.add": _l("KICK added a culture alliance"),
    "news.add": _l("Wrote a piece of news"),
    "news.change": _l("Changed a piece of news"),
    "news.remove": _l("Removed a piece of news"),
    "alliance.change": _l("KICK changed a culture alliance"),
    "alliance.remove": _l("KICK removed a culture alliance"),
    "alliance.interest_export": _l("KICK exported the organisations that want an alliance"),
    # Staff accounts and sign-in.
    "role.grant": _l("Gave a staff member a role in the region"),
    "staff.invite": _l("Invited a colleague"),
    "staff.role": _l("Changed a colleague's role"),
    "staff.deactivate": _l("Deactivated a staff account"),
    "staff.reactivate": _l("Reactivated a staff account"),
    "staff.sign_out": _l("Signed a colleague out everywhere"),
    "staff.platform_admin": _l("Changed who administers KICK Forms"),
    "account.password": _l("Changed their password"),
    "account.password_reset": _l("Set a new password from a reset link"),
    "account.session_end": _l("Signed out another session"),
    "account.sessions_end_all": _l("Signed out all other sessions"),
    "twofactor.enable": _l("Turned on two-factor sign-in"),
    "twofactor.disable": _l("Turned off two-factor sign-in"),
    "twofactor.recovery_codes": _l("Made new recovery codes"),
    "twofactor.reset": _l("Reset a colleague's two-factor sign-in"),
    "twofactor.region_rules": _l("Changed the region's rules for two-factor sign-in"),
    "sso.configure": _l("Changed the region's single sign-on"),
}


def record(action: str, subject: str = "", region: Region | None = None, detail: str = "") -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to kick_forms.audit.ACTIONS")
    user_id = current_user.id if current_user and current_user.is_authenticated else None
    db.session.add(
        AuditEvent(
            at=utcnow(),
            region_id=region.id if region is not None else None,
            user_id=user_id,
            action=action,
            subject=subject,
            detail=detail,
        )
    )
