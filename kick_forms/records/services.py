"""Telling the registrar of each answer as it arrives, with the answer as PDF.

The mail is queued in the transaction that receives the answer; its PDF is made when the mail
is sent (``records.documents`` registers the maker of "answer-pdf" files with the outbox), so
receiving an answer never waits for a PDF to be drawn.
"""

from __future__ import annotations

from datetime import datetime

from flask import render_template

from kick_forms.i18n import gettext as _
from kick_forms.mail.services import enqueue_mail
from kick_forms.models import OutboxMessage, ResponseVersion
from kick_forms.records.labels import channel_label, record_language
from kick_forms.urls import public_url_for

# The kind of outbox file that is one submitted version as PDF; its reference is the version id.
ANSWER_PDF = "answer-pdf"


def answer_title(organisation: str, consultation_title: str) -> str:
    """The incoming document's title, as the region's records system lists it."""
    return _(
        "Answer from %(organisation)s to %(title)s",
        organisation=organisation,
        title=consultation_title,
    )


def notify_registrar(version: ResponseVersion, now: datetime) -> OutboxMessage | None:
    """Queue a mail about a newly arrived version to the consultation's registrar's mailbox, if
    it has one: the answering flow and staff entering an answer call this once per version."""
    response = version.response
    consultation = response.consultation
    if not consultation.registrar_email:
        return None
    with record_language():
        title = answer_title(response.organisation_name, consultation.title)
        subject = _(
            "Incoming document %(reference)s: %(title)s", reference=version.reference, title=title
        )
        body = render_template(
            "records/mail/registrar.txt",
            consultation=consultation,
            response=response,
            version=version,
            title=title,
            channel=channel_label(response.channel),
            response_url=public_url_for(
                "consultations.response_detail",
                region_slug=consultation.region.slug,
                consultation_id=consultation.id,
                response_id=response.id,
            ),
        )
    return enqueue_mail(
        consultation.registrar_email,
        subject,
        body,
        now=now,
        attachment_source=f"{ANSWER_PDF}:{version.id}",
    )
