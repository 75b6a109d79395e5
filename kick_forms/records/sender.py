"""Who sent an incoming document: the organisation and its contact person as they were when the
version was sent.

The response holds its details only as they are now (an organisation may change its name and
send again), so each version keeps a snapshot of them in ``ResponseVersion.sender``, made by
``snapshot`` when the version is recorded. The records read the sender from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kick_forms.models import Response, ResponseVersion
from kick_forms.records.labels import record_language


@dataclass(frozen=True)
class Kind:
    key: str
    name: str  # in the records' language, as it was named when the version was sent


@dataclass(frozen=True)
class ContactPerson:
    name: str
    email: str


@dataclass(frozen=True)
class Sender:
    organisation_name: str
    organisation_number: str | None
    municipality_code: str | None
    municipality_name: str | None
    kinds: tuple[Kind, ...]
    may_publish_name: bool
    contact: ContactPerson | None


def snapshot(response: Response) -> dict[str, Any]:
    """The response's details now, as a version keeps them: call it when recording a version."""
    with record_language():
        kinds = [{"key": kind.key, "name": kind.name} for kind in response.categories]
    municipality = response.municipality
    contact = response.contact
    return {
        "organisation_name": response.organisation_name,
        "organisation_number": response.organisation_number,
        "municipality_code": municipality.code if municipality else None,
        "municipality_name": municipality.name if municipality else None,
        "categories": kinds,
        "may_publish_name": response.may_publish_name,
        "contact": {"name": contact.name, "email": contact.email} if contact else None,
    }


def sender_of(version: ResponseVersion) -> Sender:
    """Who sent this version, as sent.

    A version written without a snapshot (straight to the tables, as test data is) gets the
    response's details as they are now, the best that is known.
    """
    data = version.sender if version.sender is not None else snapshot(version.response)
    contact = data.get("contact")
    return Sender(
        organisation_name=data["organisation_name"],
        organisation_number=data.get("organisation_number"),
        municipality_code=data.get("municipality_code"),
        municipality_name=data.get("municipality_name"),
        kinds=tuple(Kind(kind["key"], kind["name"]) for kind in data.get("categories", [])),
        may_publish_name=bool(data.get("may_publish_name")),
        contact=ContactPerson(contact["name"], contact["email"]) if contact else None,
    )
