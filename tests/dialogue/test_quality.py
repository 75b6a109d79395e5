"""The survey on the dialogue's quality: who may answer, once, and results only from min n."""

from __future__ import annotations

import random
import re
from statistics import mean

from sqlalchemy import select

from kick_forms.board import feedback
from kick_forms.consultations import services as builder
from kick_forms.dialogue import quality
from kick_forms.extensions import db
from kick_forms.models import (
    ConsultationStatus,
    OutboxMessage,
    Outcome,
    QualityAnswer,
    Response,
    ResponseContact,
    ResponseStatus,
    Role,
    User,
)
from kick_forms.timeutil import utcnow
from tests.conftest import csrf_token, login, make_consultation, make_user


def _answered(consultation, count: int) -> list[Response]:  # type: ignore[no-untyped-def]
    responses = []
    for index in range(count):
        response = Response(consultation_id=consultation.id, organisation_name=f"Förening {index}",
                            status=ResponseStatus.SUBMITTED, submitted_at=utcnow())  # fmt: skip
        response.contact = ResponseContact(name=f"Kontakt {index}", email=f"k{index}@example.se")
        db.session.add(response)
        responses.append(response)
    db.session.commit()
    return responses


def _closed(slug: str = "kulturplan"):  # type: ignore[no-untyped-def]
    consultation = make_consultation(slug=slug, status=ConsultationStatus.CLOSED)
    consultation.board_visibility = "after_closing"
    db.session.commit()
    return consultation


def _answer(client, token: str, scores: dict[str, int], comment: str = "", csrf=None):  # type: ignore[no-untyped-def]
    url = f"/kvalitet/{token}"
    data = {f"q_{key}": str(value) for key, value in scores.items()}
    csrf = csrf or csrf_token(client, url)
    return client.post(url, data={"csrf_token": csrf, "comment": comment, **data})


def test_an_organisation_answers_once_from_its_link_after_closing(client):
    consultation = make_consultation(status=ConsultationStatus.OPEN)
    [response] = _answered(consultation, 1)
    token = quality.survey_token(response)
    assert "öppnar när samrådet har stängt" in client.get(f"/kvalitet/{token}").get_data(
        as_text=True
    )
    builder.change_status(consultation, ConsultationStatus.CLOSED, utcnow())
    db.session.commit()

    form = client.get(f"/kvalitet/{token}").get_data(as_text=True)
    assert form.count('type="radio"') == 6 * 5 and "<legend" in form
    missing = _answer(client, token, {"information": 4})
    assert missing.status_code == 422 and "Välj ett värde från 1 till 5." in missing.get_data(
        as_text=True
    )
    csrf = csrf_token(client, f"/kvalitet/{token}")
    done = _answer(client, token, dict.fromkeys(quality.KEYS, 4), comment="Mer tid.", csrf=csrf)
    assert done.status_code == 200 and "Tack" in done.get_data(as_text=True)
    again = _answer(client, token, dict.fromkeys(quality.KEYS, 1), csrf=csrf)
    assert again.status_code == 200
    answers = db.session.scalars(select(QualityAnswer)).all()
    assert len(answers) == 1 and {s.value for s in answers[0].scores} == {4}

    assert client.get(f"/kvalitet/{token[:-3]}abc").status_code == 404
    response.status = ResponseStatus.WITHDRAWN
    db.session.commit()
    assert client.get(f"/kvalitet/{token}").status_code == 404


def test_the_feedback_mail_and_the_answer_page_link_to_the_survey(client):
    consultation = _closed()
    [response] = _answered(consultation, 1)
    db.session.add(Outcome(consultation_id=consultation.id, section_id=consultation.sections[0].id,
                           status="incorporated", explanation="Med i planen."))  # fmt: skip
    db.session.flush()
    with client.application.test_request_context():
        feedback.publish_feedback(consultation, utcnow(), "https://example.se/board")
    db.session.commit()
    body = db.session.scalars(select(OutboxMessage)).one().body_text
    link = re.search(r"/kvalitet/(\S+)", body).group(1)
    assert quality.response_for(link).id == response.id


def _results_by_hand(consultation_id: int, minimum: int) -> dict:  # type: ignore[type-arg]
    expected = {}
    answers = db.session.scalars(select(QualityAnswer).filter_by(consultation_id=consultation_id))
    by_side: dict[str, list[QualityAnswer]] = {"organisation": [], "staff": []}
    for answer in answers:
        by_side[answer.respondent].append(answer)
    for side, rows in by_side.items():
        shown = len(rows) >= minimum and len(rows) > 0
        means = {
            key: mean(s.value for a in rows for s in a.scores if s.question_key == key)
            for key in quality.KEYS
        } if shown else {}  # fmt: skip
        expected[side] = (len(rows), shown, means)
    return expected


def test_results_equal_a_recount_of_the_raw_answers_and_hide_small_groups(app, client):
    rng = random.Random(7)  # noqa: S311
    minimum = app.config["QUALITY_MIN_N"]
    for round_number, organisations in enumerate((0, 2, minimum - 1, minimum, minimum + 3)):
        consultation = _closed(slug=f"plan-{round_number}")
        for response in _answered(consultation, organisations):
            scores = {key: rng.randint(1, 5) for key in quality.KEYS}
            quality.submit(consultation, scores, "", utcnow(), response=response)
        for index in range(rng.randint(0, minimum + 1)):
            user = User(email=f"staff-{round_number}-{index}@example.se", password_hash="-")
            db.session.add(user)
            db.session.flush()
            quality.submit(consultation, {k: rng.randint(1, 5) for k in quality.KEYS}, "",
                           utcnow(), user=user)  # fmt: skip
        db.session.commit()

        found = quality.results(consultation)
        expected = _results_by_hand(consultation.id, minimum)
        for side, (n, shown, means) in expected.items():
            assert (found[side].n, found[side].shown) == (n, shown)
            assert found[side].means == means if shown else found[side].means == {}
            assert found[side].counts == {} or shown

        board = client.get(f"/r/kronoberg/c/{consultation.slug}/board").get_data(as_text=True)
        organisations_side = found["organisation"]
        if organisations_side.n and not organisations_side.shown:
            assert f"Visas när minst {minimum} har svarat" in board
        if organisations_side.shown:
            first = quality.QUESTIONS[0]
            value = f"{organisations_side.means[first.key]:.1f}".replace(".", ",").replace(",0", "")
            assert re.search(rf"{re.escape(str(first.text))}</th><td[^>]*>{value}<", board)


def test_staff_answer_once_and_read_comments_only_from_min_n(app, client):
    consultation = _closed()
    responses = _answered(consultation, app.config["QUALITY_MIN_N"])
    for index, response in enumerate(responses[:-1]):
        quality.submit(consultation, dict.fromkeys(quality.KEYS, 3), f"Tanke {index}", utcnow(),
                       response=response)  # fmt: skip
    db.session.commit()
    login(client, make_user("kronoberg", Role.EDITOR))
    page = f"/admin/r/kronoberg/c/{consultation.id}/method"
    assert "Tanke 0" not in client.get(page).get_data(as_text=True)
    quality.submit(consultation, dict.fromkeys(quality.KEYS, 3), "Sista", utcnow(),
                   response=responses[-1])  # fmt: skip
    db.session.commit()
    assert "Tanke 0" in client.get(page).get_data(as_text=True)

    survey = f"{page}/quality"
    data = {f"q_{key}": "5" for key in quality.KEYS}
    first = client.post(survey, data={"csrf_token": csrf_token(client, survey), **data})
    assert first.status_code == 303
    assert "Du har svarat på enkäten" in client.get(page).get_data(as_text=True)
    client.post(survey, data={"csrf_token": csrf_token(client, survey), **data})
    staff_answers = db.session.scalars(select(QualityAnswer).filter_by(respondent="staff")).all()
    assert len(staff_answers) == 1


def test_the_overview_compares_regions_only_from_min_n(app, client):
    consultation = _closed()
    minimum = app.config["QUALITY_MIN_N"]
    for response in _answered(consultation, minimum):
        quality.submit(
            consultation, dict.fromkeys(quality.KEYS, 4), "", utcnow(), response=response
        )
    db.session.commit()
    overview = client.get("/board").get_data(as_text=True)
    assert (
        f'<th scope="row">Region Kronoberg</th><td class="chart__number">4 ({minimum})</td>'
        in overview
    )
    assert quality.by_region()[consultation.region_id].mean.get("staff") is None
