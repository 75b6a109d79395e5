"""Reach: the share of a region's register that answered, on the board and the overview."""

from __future__ import annotations

import re

from kick_forms.board import reach
from kick_forms.extensions import db
from kick_forms.models import ConsultationStatus, Invitation, Response, ResponseStatus
from kick_forms.organisations import services as register
from tests.conftest import make_consultation, region


def _list(slug: str, name: str, municipality: str, categories: list[str], number=None):  # type: ignore[no-untyped-def]
    return register.register_organisation(
        region(slug),
        register.OrganisationData(name=name, organisation_number=number,
                                  municipality_code=municipality, category_keys=categories),
    )  # fmt: skip


def _answer(consultation, name: str, number=None, status=ResponseStatus.SUBMITTED) -> Response:  # type: ignore[no-untyped-def]
    response = Response(consultation_id=consultation.id, organisation_name=name,
                        organisation_number=number, status=status)  # fmt: skip
    db.session.add(response)
    db.session.flush()
    return response


def _expected(consultation_ids: set[int], region_id: int) -> dict:  # type: ignore[type-arg]
    """Reach recomputed from the raw rows, the slow and obvious way."""
    answered_keys = {
        response.organisation_key
        for response in db.session.scalars(db.select(Response))
        if response.consultation_id in consultation_ids and response.status == "submitted"
    }
    by_invitation = {
        invitation.organisation_id
        for invitation in db.session.scalars(db.select(Invitation))
        if invitation.response is not None and invitation.response.status == "submitted"
        and invitation.response.consultation_id in consultation_ids
    }  # fmt: skip
    per_category: dict[str, list[int]] = {}
    per_municipality: dict[str | None, list[int]] = {}
    total = [0, 0]
    for entry in region_entries(region_id):
        organisation = entry.organisation
        keys = {organisation.organisation_number, organisation.name_key} - {None}
        done = int(bool(keys & answered_keys) or organisation.id in by_invitation)
        cells = [total, per_municipality.setdefault(organisation.municipality_code, [0, 0])]
        cells += [per_category.setdefault(c.key, [0, 0]) for c in organisation.categories]
        for counts in cells:
            counts[0] += 1
            counts[1] += done
    return {"total": tuple(total),
            "category": {k: tuple(v) for k, v in per_category.items()},
            "municipality": {k: tuple(v) for k, v in per_municipality.items()}}  # fmt: skip


def region_entries(region_id: int):  # type: ignore[no-untyped-def]
    from kick_forms.models import RegisterEntry

    return db.session.scalars(db.select(RegisterEntry).filter_by(region_id=region_id)).all()


def _as_dict(found: reach.Reach) -> dict:  # type: ignore[type-arg]
    return {"total": (found.registered, found.answered),
            "category": {k: (r, a) for k, r, a in found.by_category},
            "municipality": {k: (r, a) for k, r, a in found.by_municipality}}  # fmt: skip


def test_reach_counts_answers_by_number_by_name_and_by_invitation(app, client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    other = make_consultation(slug="museiplan", status=ConsultationStatus.OPEN)
    _list("kronoberg", "Växjö kammarkör", "0780", ["choir"], number="802455-1239")
    _list("kronoberg", "Ljungby Hembygdsförening", "0781", ["local_heritage", "choir"])
    invited = _list("kronoberg", "Älmhults kör", "0765", ["choir"])
    _list("kronoberg", "Tingsryds teater", "0763", ["amateur_theatre"])
    _list("blekinge", "Karlskrona kör", "1080", ["choir"])  # another region's register
    _answer(consultation, "Kammarkören i Växjö", number="802455-1239")  # same number, other name
    _answer(consultation, "  ljungby   hembygdsförening ")  # the name in other case and spacing
    renamed = _answer(consultation, "Körföreningen i Älmhult")  # started from the invitation
    db.session.add(Invitation(consultation_id=consultation.id, organisation_id=invited.id,
                              response_id=renamed.id))  # fmt: skip
    _answer(consultation, "Tingsryds teater", status=ResponseStatus.DRAFT)  # not sent: no reach
    _answer(other, "Karlskrona kör")  # not this consultation
    db.session.commit()

    found = reach.of_consultation(consultation)
    assert _as_dict(found) == _expected({consultation.id}, consultation.region_id)
    assert (found.registered, found.answered) == (4, 3)
    assert dict((k, (r, a)) for k, r, a in found.by_category)["choir"] == (3, 3)

    consultation.board_visibility = "while_open"
    db.session.commit()
    board = client.get("/r/kronoberg/c/kulturplan/board").get_data(as_text=True)
    assert "3 av de 4 organisationerna i registret hos Region Kronoberg svarade (75 %)." in board
    row = re.search(
        r"<th scope=\"row\">Amatörteater och revy</th>\s*<td[^>]*>1</td>\s*<td[^>]*>0</td>", board
    )
    assert row, "the theatre is registered and did not answer"


def test_the_overview_shows_each_region_s_register_reached(app, client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    _list("kronoberg", "Växjö kammarkör", "0780", ["choir"])
    _list("kronoberg", "Tingsryds teater", "0763", ["amateur_theatre"])
    _answer(consultation, "Växjö kammarkör")
    db.session.commit()

    per_region, everywhere = reach.overview()
    assert per_region[consultation.region_id] == (2, 1)
    assert _as_dict(everywhere)["total"] == (2, 1)
    page = client.get("/board").get_data(as_text=True)
    assert "1/2 (50&nbsp;%)" in page


def test_the_overview_maps_each_region_by_the_share_of_its_register_reached(app, client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    _list("kronoberg", "Växjö kammarkör", "0780", ["choir"])
    _list("kronoberg", "Tingsryds teater", "0763", ["amateur_theatre"])
    _list("blekinge", "Karlskrona kör", "1080", ["choir"])
    _answer(consultation, "Växjö kammarkör")
    db.session.commit()

    page = client.get("/board").get_data(as_text=True)
    drawing = page.split('id="map-regions"', 1)[1].split("</svg>", 1)[0]
    titles = dict(
        re.findall(r"<path [^>]*><title>([^<:]+): (\d+)\N{NO-BREAK SPACE}%</title>", drawing)
    )
    assert len(titles) == 21 and titles["Region Kronoberg"] == "50"
    assert {name for name, share in titles.items() if share != "0"} == {"Region Kronoberg"}
    assert drawing.count("<path ") == 21  # each region one shape, its border its own
    assert "1 av 21 regioner har nått organisationer i sitt register." in page
    assert page.count("Inget samråd har öppnats ännu.") == 20  # the regions without one
