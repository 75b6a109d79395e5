"""The summary board: its numbers, recomputed from the raw answers, and who may see it."""

from __future__ import annotations

import statistics
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from kick_forms.board import services as board
from kick_forms.extensions import db
from kick_forms.models import (
    ConsultationStatus,
)
from kick_forms.timeutil import utcnow
from tests.board.generated import (
    CATEGORIES,
    MUNICIPALITIES,
    add_response,
    board_examples,
    counted,
    forget_responses,
    organisations,
    response_data,
    store,
)


def _questions(consultation):
    return {q.label: q for q in consultation.questions}


@board_examples
@given(
    rows=st.lists(response_data, max_size=12),
    category=st.sampled_from([""] + CATEGORIES),
    municipality=st.sampled_from([""] + MUNICIPALITIES),
)
def test_board_numbers_equal_numbers_recomputed_from_the_answers(
    consultation, rows, category, municipality
):
    forget_responses(consultation)
    store(consultation, rows)
    q = _questions(consultation)

    chosen = board.BoardFilter(category=category, municipality=municipality)
    kept = counted(rows, category, municipality)
    totals = board.totals(consultation, chosen)
    assert totals.responses == len(kept)
    assert totals.organisations == organisations(kept)
    assert totals.municipalities == len({row["municipality"] for row in kept})
    assert totals.categories == len({c for row in kept for c in row["categories"]})
    assert {m.code: n for m, n in board.by_municipality(consultation, chosen)} == {
        code: n
        for code in MUNICIPALITIES
        if (n := sum(row["municipality"] == code for row in kept))
    }
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


def test_the_demo_answers_go_through_the_answering_services(app, client):
    from kick_forms.demo import DEMO_SLUG, load_demo_data

    load_demo_data(with_answers=True)
    db.session.commit()
    load_demo_data(with_answers=True)  # running it again adds nothing
    db.session.commit()
    html = client.get(f"/r/kronoberg/c/{DEMO_SLUG}/board").get_data(as_text=True)
    assert "<dd>5</dd>" in html
    assert "Växjö kammarkör" in html and "Studieförbundet i Kronoberg" not in html
