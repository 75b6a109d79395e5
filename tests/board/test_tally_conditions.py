"""With questions shown only after given answers, the board's kept counters still equal a fresh
count, and a hidden question is never counted (see test_tally.py for the plain consultation)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from kick_forms import tally
from kick_forms.consultations import conditions
from kick_forms.extensions import db
from kick_forms.models import Answer, Response, ResponseStatus
from kick_forms.responses import services as answering
from kick_forms.timeutil import utcnow
from tests.board.generated import forget_responses
from tests.board.test_tally import _respondent, who
from tests.consultations.conditional import conditional_consultation

# What a section's form may carry, hidden questions included: a stale page or a hand-made POST
# can send answers to questions its choices hide.
first_section = st.fixed_dictionaries(
    {
        "Medlem?": st.sampled_from(["", "yes", "no", "dont_know"]),
        "Områden": st.lists(st.sampled_from([0, 1]), unique=True),
        "Körer": st.sampled_from(["", "2", "12"]),
    }
)
second_section = st.fixed_dictionaries(
    {
        "Vad saknas?": st.sampled_from(["", "Lokaler"]),
        "Hur väl?": st.sampled_from(["", "1", "4"]),
        "Viktigast": st.sampled_from(["", 0, 1]),
        "Varför A?": st.sampled_from(["", "Det behövs"]),
    }
)
both = st.tuples(first_section, second_section)
# (what to do, which response, which section, with what): saving one section at a time, as the
# flow does, so that a choice changed in section 1 hides an answer already saved in section 2;
# "submit" with answers saves both sections first, so that most plans submit and amend.
steps = st.lists(
    st.one_of(
        st.tuples(st.just("start"), st.just(0), st.just(0), who),
        st.tuples(st.just("save"), st.integers(0, 4), st.just(1), first_section),
        st.tuples(st.just("save"), st.integers(0, 4), st.just(2), second_section),
        st.tuples(st.just("submit"), st.integers(0, 4), st.just(0), st.none()),
        st.tuples(st.just("submit"), st.integers(0, 4), st.just(0), both),
        st.tuples(st.just("submit"), st.integers(0, 4), st.just(0), both),
        st.tuples(st.just("withdraw"), st.integers(0, 4), st.just(0), st.none()),
    ),
    min_size=2,
    max_size=25,
)


@pytest.fixture
def with_conditions(app):
    return conditional_consultation()


def _form(section, values: dict) -> MultiDict:
    form = MultiDict()
    for question in section.questions:
        value, name = values[question.label], f"q-{question.id}"
        if question.kind == "multiple_choice":
            for chosen in value:
                form.add(name, str(question.options[chosen].id))
        elif question.kind == "single_choice":
            form.add(name, "" if value == "" else str(question.options[value].id))
        else:
            form.add(name, value)
    return form


def _run(consultation, plan) -> list[Response]:
    now = utcnow()
    responses: list[Response] = []
    for index, (action, target, number, data) in enumerate(plan):
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
            if action == "save":
                section = consultation.sections[number - 1]
                answering.save_answers(response, section.questions, _form(section, data), now)
            if action == "submit" and data is not None:
                for section, values in zip(consultation.sections, data, strict=True):
                    answering.save_answers(response, section.questions, _form(section, values), now)
            if action == "submit":
                answering.submit_response(response, f"submit-{index}-{response.id}", now, "")
            elif action == "withdraw" and answering.withdraw_response(response, now):
                responses.remove(response)
        except answering.AnsweringError:
            pass  # refused as the organisation would be (e.g. a required shown question empty)
    db.session.commit()
    return responses


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(starts=st.lists(who, min_size=1, max_size=3), plan=steps)
def test_counters_with_conditional_questions_equal_a_recount_and_skip_hidden_ones(
    with_conditions, starts, plan
):
    consultation = with_conditions
    forget_responses(consultation)
    responses = _run(consultation, [("start", 0, 0, data) for data in starts] + plan)
    submitted = [r for r in responses if r.status == ResponseStatus.SUBMITTED]
    event(f"submitted: {len(submitted)}")

    connection = db.session.connection()
    kept = tally.counters(connection, consultation.id)
    tally.recount(connection, consultation.id)
    assert kept == tally.counters(connection, consultation.id)

    # Every stored answer, draft or sent, is to a question its own answers show.
    answered: dict[int, int] = {}
    for response in responses:
        for version_id in {None, response.current_version_id}:
            rows = db.session.scalars(
                select(Answer).where(
                    Answer.response_id == response.id,
                    Answer.version_id.is_(None)
                    if version_id is None
                    else Answer.version_id == version_id,
                )
            ).all()
            stored = {answer.question_id: answer for answer in rows}
            assert stored.keys() <= conditions.shown_for(consultation, stored)
            if version_id is not None and response in submitted:
                for question_id in stored:
                    answered[question_id] = answered.get(question_id, 0) + 1
                conditional = {q.id for q in consultation.questions if q.shown_if_question_id}
                event(f"conditional questions sent: {len(stored.keys() & conditional)}")
    # So each question counts as answered at most by the responses that were shown it.
    for question in consultation.questions:
        counted = kept.get(("", "", question.id, tally.ANSWERED), 0)
        assert counted <= answered.get(question.id, 0)
