"""Submitted responses written straight to the tables, and random ones for property tests."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from kick_forms import tally
from kick_forms.extensions import db
from kick_forms.models import (
    Answer,
    AnswerOption,
    BoardCount,
    OrganisationCategory,
    Response,
    ResponseVersion,
)
from kick_forms.timeutil import utcnow

CATEGORIES = ["choir", "local_heritage", "study_association"]
MUNICIPALITIES = ["0764", "0780", "0765"]


def add_response(
    consultation, *, name, municipality, categories, named, answers, status="submitted"
):
    """A submitted response written straight to the tables, as the submit service leaves it,
    with the board's counters kept as the service keeps them."""
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
    with tally.kept_for(response):
        _add_version(response, name, answers)
    return response


def _add_version(response, name, answers):
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


response_data = st.fixed_dictionaries(
    {
        # Some names repeat, in other case, as one organisation sending several answers.
        "name": st.sampled_from(["Kören", "KÖREN", "Hembygdsföreningen", "Spelmanslaget"]),
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


def forget_responses(consultation) -> None:
    """Remove every response to the consultation, and so its board's counters."""
    db.session.execute(delete(Response).where(Response.consultation_id == consultation.id))
    db.session.execute(delete(BoardCount).where(BoardCount.consultation_id == consultation.id))


def organisations(rows: list[dict]) -> int:
    """How many organisations sent the rows: one name in any case is one organisation."""
    return len({row["name"].casefold() for row in rows})


def store(consultation, rows: list[dict]) -> None:
    """Write generated rows (see ``response_data``) as responses to the ``consultation`` fixture."""
    q = {question.label: question for question in consultation.questions}
    options = [option.id for option in q["Områden"].options]
    for row in rows:
        answers = {}
        if row["scale"]:
            answers[q["Hur väl?"]] = row["scale"]
        if row["yes_no"]:
            answers[q["Tillfrågade?"]] = row["yes_no"]
        if row["members"] is not None:
            answers[q["Medlemmar"]] = row["members"]
        if row["areas"] or row["other"]:
            answers[q["Områden"]] = ([options[i] for i in row["areas"]], row["other"])
        add_response(consultation, name=row["name"], municipality=row["municipality"],
                     categories=row["categories"], named=row["named"], answers=answers,
                     status=row["status"])  # fmt: skip
    db.session.commit()


def counted(rows: list[dict], category: str, municipality: str) -> list[dict]:
    """The generated rows the board should count under this filter."""
    return [
        row
        for row in rows
        if row["status"] == "submitted"
        and (not category or category in row["categories"])
        and (not municipality or row["municipality"] == municipality)
    ]


# The property tests of the board and the API: examples share the function-scoped fixtures,
# whose rows each example clears first (``forget_responses``).
board_examples = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
