"""The open-data summary carries the region's published feedback per section and question,
and words yes/no and scale answers as the board does."""

from __future__ import annotations

from kick_forms.board import feedback
from kick_forms.extensions import db
from kick_forms.models import ConsultationStatus, OutcomeStatus
from kick_forms.timeutil import utcnow
from tests.api.test_api import OPENAPI_URL, _schema_problems, _summary_url
from tests.board.generated import add_response

PATH = "/api/v1/consultations/{consultation_id}/summary"


def _documented(client, consultation) -> dict:  # type: ignore[no-untyped-def]
    document = client.get(OPENAPI_URL).get_json()
    response = client.get(_summary_url(consultation))
    assert response.status_code == 200
    schema = document["paths"][PATH]["get"]["responses"]["200"]["content"]["application/json"]
    body = response.get_json()
    assert _schema_problems(body, schema["schema"], document) == []
    return body


def test_the_summary_has_the_published_feedback_and_the_boards_words(client, consultation):
    q = {question.label: question for question in consultation.questions}
    q["Hur väl?"].scale_min_label, q["Hur väl?"].scale_max_label = "Inte alls", "Helt"
    consultation.board_visibility = "while_open"
    add_response(consultation, name="Kören", municipality="0780", categories=["choir"],
                 named=True, answers={q["Tillfrågade?"]: "yes", q["Hur väl?"]: "1"})  # fmt: skip
    section = consultation.sections[1]
    feedback.save_outcome(consultation, section, None, feedback.OutcomeData(
        OutcomeStatus.PARTLY, "Vi tar med landsbygden.", "https://example.se/plan#3"))  # fmt: skip
    feedback.save_outcome(consultation, section, q["Hur väl?"], feedback.OutcomeData(
        OutcomeStatus.INCORPORATED, "Ny dialog varje år.", None))  # fmt: skip
    db.session.commit()

    body = _documented(client, consultation)
    questions = {record["label"]: record for record in body["questions"]}
    yes_no = {bar["key"]: bar["label"] for bar in questions["Tillfrågade?"]["bars"]}
    assert yes_no == {"yes": "Ja", "no": "Nej", "dont_know": "Vet inte"}
    scale = {bar["key"]: bar["label"] for bar in questions["Hur väl?"]["bars"]}
    assert scale["1"] == "1 – Inte alls" and scale["3"] == "3" and scale["5"] == "5 – Helt"
    visitor = client.application.test_client()  # the language chosen sticks to a visitor
    english = visitor.get(_summary_url(consultation) + "?lang=en").get_json()
    bars = next(r for r in english["questions"] if r["label"] == "Tillfrågade?")["bars"]
    assert [bar["label"] for bar in bars] == ["Yes", "No", "Don't know"]

    # Written but not published: not open data yet.
    assert body["feedback_published_at"] is None
    assert all(record["feedback"] is None for record in body["sections"] + body["questions"])
    assert "landsbygden" not in str(body)

    consultation.status = ConsultationStatus.CLOSED
    feedback.publish_feedback(consultation, utcnow(), "https://example.se/board")
    db.session.commit()
    body = _documented(client, consultation)
    assert body["feedback_published_at"].endswith("+00:00")
    sections = {record["title"]: record for record in body["sections"]}
    assert sections["Om er"]["feedback"] is None
    assert sections["Tankar"]["feedback"] == {
        "status": "partly",
        "status_label": "Delvis infört",
        "explanation": "Vi tar med landsbygden.",
        "plan_url": "https://example.se/plan#3",
    }
    questions = {record["label"]: record for record in body["questions"]}
    assert questions["Hur väl?"]["feedback"]["explanation"] == "Ny dialog varje år."
    assert questions["Hur väl?"]["feedback"]["plan_url"] is None
    assert questions["Tillfrågade?"]["feedback"] is None
