"""The board's counters, kept by the answering services, equal a fresh count of the answers."""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from werkzeug.datastructures import MultiDict

from kick_forms import tally
from kick_forms.board import services as board
from kick_forms.extensions import db
from kick_forms.models import BoardCount, Response
from kick_forms.responses import services as answering
from kick_forms.timeutil import utcnow
from tests.board.generated import CATEGORIES, MUNICIPALITIES, forget_responses

NAMES = ["Kören", "KÖREN", "Hembygdsföreningen", "Spelmanslaget"]
CHOIR = {"name": "Kören", "number": None, "municipality": "0780", "categories": ["choir"]}
FILLED = {"Ort": "Växjö", "Medlemmar": "40", "Områden": [0], "Vad saknas?": "Lokaler",
          "Hur väl?": "2", "Tillfrågade?": "yes", "Viktigast": 1}  # fmt: skip

who = st.fixed_dictionaries(
    {
        "name": st.sampled_from(NAMES),
        "number": st.one_of(st.none(), st.just("802455-1239")),
        "municipality": st.sampled_from(MUNICIPALITIES),
        "categories": st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=3, unique=True),
    }
)
# Answers that can be submitted; a draft may hold anything, e.g. a number written as words.
answers = st.fixed_dictionaries(
    {
        "Ort": st.sampled_from(["Växjö", "Ljungby"]),
        "Medlemmar": st.sampled_from(["", "0", "12", "12", "4000"]),
        "Områden": st.lists(st.sampled_from([0, 1, "other"]), unique=True),
        "Vad saknas?": st.sampled_from(["", "Lokaler", "Scener"]),
        "Hur väl?": st.sampled_from(["1", "3", "5"]),
        "Tillfrågade?": st.sampled_from(["", "yes", "no", "dont_know"]),
        "Viktigast": st.sampled_from(["", 0, 1]),
    }
)
draft = answers.map(lambda values: {**values, "Medlemmar": "tolv", "Ort": ""})
# (what to do, which response, with what): the index wraps round the responses started so far.
# "submit" saves its answers first, so that most plans submit and amend; "draft" saves answers
# without submitting them, which must not move the board.
steps = st.lists(
    st.one_of(
        st.tuples(st.just("start"), st.just(0), who),
        st.tuples(st.just("submit"), st.integers(0, 5), answers),
        st.tuples(st.just("submit"), st.integers(0, 5), answers),
        st.tuples(st.just("draft"), st.integers(0, 5), st.one_of(answers, draft)),
        st.tuples(st.just("change who"), st.integers(0, 5), who),
        st.tuples(st.just("withdraw"), st.integers(0, 5), st.none()),
    ),
    min_size=2,
    max_size=25,
)


def _form(consultation, values: dict) -> MultiDict:
    form = MultiDict()
    for question in consultation.questions:
        value = values[question.label]
        name = f"q-{question.id}"
        if question.label == "Områden":
            for chosen in value:
                form.add(name, "other" if chosen == "other" else str(question.options[chosen].id))
            form.add(f"{name}-other-text", "Dans")
        elif question.label == "Viktigast":
            form.add(name, "" if value == "" else str(question.options[value].id))
        else:
            form.add(name, value)
    return form


def _respondent(data: dict) -> answering.Respondent:
    return answering.Respondent(
        organisation_name=data["name"],
        organisation_number=data["number"],
        municipality_code=data["municipality"],
        category_keys=data["categories"],
        contact_name="Karin Andersson",
        contact_email="karin@example.se",
        may_publish_name=True,
    )


def _run(consultation, plan) -> list[Response]:
    now = utcnow()
    responses: list[Response] = []
    for index, (action, target, data) in enumerate(plan):
        if action == "start":
            response, _ = answering.start_response(
                consultation, _respondent(data), f"start-{index}", now, lambda token: token
            )
            responses.append(response)
            continue
        if not responses:
            continue
        response = responses[target % len(responses)]
        try:
            if action in ("draft", "submit"):
                answering.save_answers(
                    response, consultation.questions, _form(consultation, data), now
                )
            if action == "submit":
                answering.submit_response(response, f"submit-{index}-{response.id}", now, "")
            elif action == "change who":
                answering.update_respondent(response, _respondent(data), now)
            elif action == "withdraw" and answering.withdraw_response(response, now):
                responses.remove(response)  # a draft never sent is deleted, link and all
        except answering.AnsweringError:
            pass  # refused as the organisation would be: nothing changes
    db.session.commit()
    return responses


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(starts=st.lists(who, min_size=1, max_size=4), plan=steps)
def test_counters_kept_through_the_answering_flow_equal_a_fresh_count(consultation, starts, plan):
    forget_responses(consultation)
    responses = _run(consultation, [("start", 0, data) for data in starts] + plan)
    event(f"submitted: {sum(r.status == 'submitted' for r in responses)}")
    event(f"withdrawn: {sum(r.status == 'withdrawn' for r in responses)}")

    connection = db.session.connection()
    kept = tally.counters(connection, consultation.id)
    tally.recount(connection, consultation.id)
    assert kept == tally.counters(connection, consultation.id)


def test_an_organisation_is_counted_once_however_it_answers(consultation):
    """Two answers under one organisation number count as one organisation, in each cell where
    either is; withdrawing one leaves the other counted."""
    forget_responses(consultation)
    first = {"name": "Kören", "number": "802455-1239", "municipality": "0780",
             "categories": ["choir"]}  # fmt: skip
    second = {"name": "Kören i Ljungby", "number": "802455-1239", "municipality": "0781",
              "categories": ["choir"]}  # fmt: skip
    plan = [("start", 0, first), ("start", 0, second), ("submit", 0, FILLED),
            ("submit", 1, FILLED)]  # fmt: skip
    responses = _run(consultation, plan)

    everyone = board.totals(consultation, board.BoardFilter())
    assert (everyone.responses, everyone.organisations, everyone.municipalities) == (2, 1, 2)
    in_ljungby = board.totals(consultation, board.BoardFilter(municipality="0781"))
    assert (in_ljungby.responses, in_ljungby.organisations) == (1, 1)

    answering.withdraw_response(responses[1], utcnow())
    db.session.commit()
    everyone = board.totals(consultation, board.BoardFilter())
    assert (everyone.responses, everyone.organisations, everyone.municipalities) == (1, 1, 1)
    assert board.totals(consultation, board.BoardFilter(municipality="0781")).organisations == 0


def test_changing_who_answers_moves_a_submitted_answer_on_the_board(consultation):
    forget_responses(consultation)
    plan = [("start", 0, CHOIR),
            ("submit", 0, FILLED),
            ("change who", 0, {"name": "Kören", "number": None, "municipality": "0764",
                               "categories": ["local_heritage"]})]  # fmt: skip
    _run(consultation, plan)

    scale = next(q for q in consultation.questions if q.label == "Hur väl?")
    moved = board.BoardFilter(category="local_heritage", municipality="0764")
    assert board.totals(consultation, moved).responses == 1
    assert [bar.count for bar in board.summarise(scale, consultation, moved).bars] == [
        0, 1, 0, 0, 0
    ]  # fmt: skip
    assert board.totals(consultation, board.BoardFilter(category="choir")).responses == 0
    assert board.totals(consultation, board.BoardFilter(municipality="0780")).responses == 0


def test_the_recount_command_finds_and_corrects_counters_gone_wrong(app, consultation):
    forget_responses(consultation)
    _run(consultation, [("start", 0, CHOIR), ("submit", 0, FILLED)])
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["kick", "recount-board", "--check"])
    assert checked.exit_code == 0, checked.output
    assert "0 had counters to correct" in checked.output

    db.session.execute(
        update(BoardCount)
        .where(BoardCount.consultation_id == consultation.id, BoardCount.key == tally.RESPONSES)
        .values(total=BoardCount.total + 5)
    )
    db.session.commit()
    checked = runner.invoke(args=["kick", "recount-board", "--check"])
    assert checked.exit_code == 1
    assert f"Consultation {consultation.id}: 4 counters differed" in checked.output
    assert board.totals(consultation, board.BoardFilter()).responses == 6  # still wrong

    fixed = runner.invoke(args=["kick", "recount-board", "--consultation", str(consultation.id)])
    assert fixed.exit_code == 0, fixed.output
    assert "1 had counters corrected" in fixed.output
    db.session.expire_all()
    assert board.totals(consultation, board.BoardFilter()).responses == 1


def test_a_deleted_draft_leaves_no_answer_behind_in_the_session(consultation):
    """A draft never sent is deleted with its answers; the session forgets them too, so answers
    saved later in the same session do not meet them (SQLite reuses the ids of deleted rows)."""
    forget_responses(consultation)
    someone = {**CHOIR, "name": "Hembygdsföreningen"}
    plan = [("start", 0, CHOIR), ("start", 0, someone), ("draft", 1, FILLED),
            ("withdraw", 1, None), ("submit", 0, FILLED)]  # fmt: skip
    responses = _run(consultation, plan)

    assert [response.status for response in responses] == ["submitted"]
    connection = db.session.connection()
    kept = tally.counters(connection, consultation.id)
    tally.recount(connection, consultation.id)
    assert kept == tally.counters(connection, consultation.id)
