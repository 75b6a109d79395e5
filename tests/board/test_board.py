"""The summary board: its numbers, recomputed from the raw answers, and who may see it."""

from __future__ import annotations

import statistics
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from kick_forms.board import services as board
from kick_forms.extensions import db
from kick_forms.models import (
    Answer,
    AnswerOption,
    ConsultationStatus,
    Response,
    ResponseVersion,
)
from kick_forms.timeutil import utcnow

CATEGORIES = ["choir", "local_heritage", "study_association"]
MUNICIPALITIES = ["0764", "0780", "0765"]


def _questions(consultation):
    return {q.label: q for q in consultation.questions}


def add_response(
    consultation, *, name, municipality, categories, named, answers, status="submitted"
):
    """A submitted response written straight to the tables, as the submit service leaves it."""
    from kick_forms.models import OrganisationCategory

    response = Response(
        consultation_id=consultation.id,
        organisation_name=name,
        municipality_code=municipality,
        may_publish_name=named,
        status=status,
        submitted_at=utcnow(),
    )
    response.categories = [db.session.get(OrganisationCategory, key) for key in categories]
    db.session.add(response)
    db.session.flush()
    version = ResponseVersion(
        response_id=response.id, number=1, submit_nonce=f"n{response.id}-{name}"
    )
    db.session.add(version)
    db.session.flush()
    response.current_version_id = version.id
    for question, value in answers.items():
        answer = Answer(response_id=response.id, version_id=version.id, question_id=question.id)
        if question.kind in ("short_text", "long_text"):
            answer.text_value = value
        elif question.kind == "number":
            answer.text_value, answer.number_value = str(value), value
        elif question.kind in ("scale", "yes_no"):
            answer.choice_value = value
        else:
            option_ids, other = value
            answer.options = [AnswerOption(option_id=option_id) for option_id in option_ids]
            answer.other_text = other
        db.session.add(answer)
    db.session.flush()
    return response


response_data = st.fixed_dictionaries(
    {
        "municipality": st.sampled_from(MUNICIPALITIES),
        "categories": st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=3, unique=True),
        "named": st.booleans(),
        "scale": st.one_of(st.none(), st.sampled_from(["1", "2", "3", "4", "5"])),
        "yes_no": st.one_of(st.none(), st.sampled_from(["yes", "no", "dont_know"])),
        "members": st.one_of(st.none(), st.integers(0, 5000)),
        "areas": st.lists(st.sampled_from([0, 1]), unique=True),
        "other": st.one_of(st.none(), st.just("Dans")),
        "status": st.sampled_from(["submitted", "submitted", "submitted", "draft", "withdrawn"]),
    }
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(response_data, max_size=12),
    category=st.sampled_from([""] + CATEGORIES),
    municipality=st.sampled_from([""] + MUNICIPALITIES),
)
def test_board_numbers_equal_numbers_recomputed_from_the_answers(
    consultation, rows, category, municipality
):
    db.session.execute(delete(Response).where(Response.consultation_id == consultation.id))
    q = _questions(consultation)
    options = [option.id for option in q["Områden"].options]
    for index, row in enumerate(rows):
        answers = {}
        if row["scale"]:
            answers[q["Hur väl?"]] = row["scale"]
        if row["yes_no"]:
            answers[q["Tillfrågade?"]] = row["yes_no"]
        if row["members"] is not None:
            answers[q["Medlemmar"]] = row["members"]
        if row["areas"] or row["other"]:
            answers[q["Områden"]] = ([options[i] for i in row["areas"]], row["other"])
        add_response(consultation, name=f"Förening {index}", municipality=row["municipality"],
                     categories=row["categories"], named=row["named"], answers=answers,
                     status=row["status"])  # fmt: skip
    db.session.commit()

    chosen = board.BoardFilter(category=category, municipality=municipality)
    kept = [
        row
        for row in rows
        if row["status"] == "submitted"
        and (not category or category in row["categories"])
        and (not municipality or row["municipality"] == municipality)
    ]
    totals = board.totals(consultation, chosen)
    assert totals.responses == len(kept)
    assert totals.municipalities == len({row["municipality"] for row in kept})
    assert totals.categories == len({c for row in kept for c in row["categories"]})
    by_category = {c.key: n for c, n in board.by_category(consultation, chosen)}
    assert by_category == {
        key: n for key in CATEGORIES if (n := sum(key in row["categories"] for row in kept))
    }

    scale = board.summarise(q["Hur väl?"], consultation, chosen)
    assert {bar.key: bar.count for bar in scale.bars} == {
        key: sum(row["scale"] == key for row in kept) for key in "12345"
    }
    assert scale.answered == sum(row["scale"] is not None for row in kept)
    yes_no = board.summarise(q["Tillfrågade?"], consultation, chosen)
    assert [bar.count for bar in yes_no.bars] == [
        sum(row["yes_no"] == key for row in kept) for key in ("yes", "no", "dont_know")
    ]
    members = [row["members"] for row in kept if row["members"] is not None]
    number = board.summarise(q["Medlemmar"], consultation, chosen)
    assert number.answered == len(members)
    if members:
        assert number.median == statistics.median(members)
        assert (number.minimum, number.maximum) == (min(members), max(members))
    areas = board.summarise(q["Områden"], consultation, chosen)
    assert [bar.count for bar in areas.bars] == [
        sum(i in row["areas"] for row in kept) for i in range(2)
    ]
    assert areas.other_count == sum(row["other"] is not None for row in kept)
    assert areas.answered == sum(bool(row["areas"] or row["other"]) for row in kept)


def test_free_text_names_only_organisations_that_agreed(client, consultation):
    q = _questions(consultation)
    add_response(consultation, name="Öppna kören", municipality="0780", categories=["choir"],
                 named=True, answers={q["Vad saknas?"]: "Fler scener"})  # fmt: skip
    add_response(consultation, name="Hemliga föreningen", municipality="0764",
                 categories=["local_heritage"], named=False,
                 answers={q["Vad saknas?"]: "Lokaler"})  # fmt: skip
    consultation.board_visibility = "while_open"
    db.session.commit()
    html = client.get("/r/kronoberg/c/kulturplan/board").get_data(as_text=True)
    assert "Öppna kören" in html and "Fler scener" in html
    assert "Lokaler" in html and "Hemliga föreningen" not in html
    assert "Hembygdsförening" in html  # the kind stands in for the name


def test_filters_work_without_javascript_and_as_htmx_fragments(client, consultation):
    q = _questions(consultation)
    add_response(consultation, name="A", municipality="0780", categories=["choir"], named=True,
                 answers={q["Hur väl?"]: "5"})  # fmt: skip
    add_response(consultation, name="B", municipality="0764", categories=["local_heritage"],
                 named=True, answers={q["Hur väl?"]: "1"})  # fmt: skip
    consultation.board_visibility = "while_open"
    db.session.commit()
    page = client.get("/r/kronoberg/c/kulturplan/board?category=choir")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<option value="choir" selected>' in html
    fragment = client.get(
        "/r/kronoberg/c/kulturplan/board?municipality=0764", headers={"HX-Request": "true"}
    )
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'id="board-results"' in body
    assert "HX-Request" in fragment.headers["Vary"]


def test_visibility_follows_the_regions_choice(client, consultation):
    url = "/r/kronoberg/c/kulturplan/board"
    consultation.board_visibility = "when_published"
    db.session.commit()
    assert client.get(url).status_code == 404
    consultation.board_visibility = "after_closing"
    db.session.commit()
    assert client.get(url).status_code == 404
    consultation.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(url).status_code == 200
    consultation.board_visibility = "when_published"
    consultation.status = ConsultationStatus.PUBLISHED
    db.session.commit()
    assert client.get(url).status_code == 200


def test_staff_always_see_the_board(client, consultation):
    from kick_forms.models import Role
    from tests.conftest import login, make_user

    login(client, make_user("kronoberg", Role.VIEWER))
    response = client.get("/r/kronoberg/c/kulturplan/board")
    assert response.status_code == 200


def test_the_kick_overview_counts_per_region(client, consultation):
    q = _questions(consultation)
    add_response(consultation, name="Kör", municipality="0780", categories=["choir"], named=True,
                 answers={q["Hur väl?"]: "4"})  # fmt: skip
    add_response(consultation, name="Kör", municipality="0780", categories=["choir"], named=True,
                 answers={}, status="withdrawn")  # fmt: skip
    db.session.commit()
    figures = board.overview_by_region()
    kronoberg = figures[consultation.region_id]
    assert (kronoberg.consultations, kronoberg.responses, kronoberg.organisations) == (1, 1, 1)
    html = client.get("/board").get_data(as_text=True)
    assert "Region Kronoberg" in html and "Region Norrbotten" in html
    year = consultation.closes_at.year
    assert board.overview_by_year() == [(year, 1, 1, 0)]
