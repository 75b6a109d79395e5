"""Staff see the comments on the plan's text per paragraph, in the CSV and XLSX exports and in
the answer's record (PDF), as sent, whatever the review; other regions see nothing."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.models import Response, Role
from tests.board.test_plan_comments_board import _comment, _send, consultation_staff
from tests.conftest import login, make_user
from tests.records.conftest import pdf_text
from tests.responses.conftest import start
from tests.responses.plan_helpers import add_plan


def _world(client, consultation):  # type: ignore[no-untyped-def]
    consultation.review_before_publishing = True
    db.session.commit()
    plan = add_plan(consultation)
    token = start(client, may_publish_name="no")
    _comment(client, token, plan["1.2"], "=SUMMA(A1) ska inte räknas.")
    _comment(client, token, plan["2.2"], "Bibliotek även i byarna.")
    _send(client, consultation, token)
    draft = start(client, organisation_name="Utkastföreningen", organisation_number="")
    _comment(client, draft, plan["2.2"], "Osänd.")
    return plan


def test_the_staff_page_lists_every_sent_comment_per_paragraph(client, consultation):  # type: ignore[no-untyped-def]
    plan = _world(client, consultation)
    staff = consultation_staff(client)
    responses = staff.get(f"/admin/r/kronoberg/c/{consultation.id}/responses")
    assert "/plan-comments" in responses.get_data(as_text=True)
    page = staff.get(f"/admin/r/kronoberg/c/{consultation.id}/plan-comments")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    block = html.split(f'id="staff-p-{plan["2.2"].id}"', 1)[1].split('class="plan-paragraph"', 1)[0]
    assert "Bibliotek även i byarna." in block and "Hembygdsföreningen Linnés Råshult" in block
    assert "Inte granskade" in block
    assert "Osänd." not in html
    other = client.application.test_client()
    login(other, make_user("blekinge", Role.ADMIN))
    assert other.get(f"/admin/r/kronoberg/c/{consultation.id}/plan-comments").status_code in (
        403,
        404,
    )
    assert other.get(f"/admin/r/blekinge/c/{consultation.id}/plan-comments").status_code == 404


def test_the_exports_have_the_comments(client, consultation):  # type: ignore[no-untyped-def]
    _world(client, consultation)
    staff = consultation_staff(client)
    base = f"/admin/r/kronoberg/c/{consultation.id}"
    csv = staff.get(f"{base}/comments.csv")
    assert csv.status_code == 200 and csv.headers["Cache-Control"] == "no-store"
    text = csv.get_data().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Referens;Organisation;")
    assert "Kapitel" in lines[0] and "Stycke" in lines[0] and "Kommentar" in lines[0]
    assert len(lines) == 3
    assert "'=SUMMA(A1) ska inte räknas." in text  # never a formula
    assert ";1.2;" in text and ";2.2;" in text and "Osänd." not in text
    workbook = load_workbook(io.BytesIO(staff.get(f"{base}/export.xlsx").get_data()))
    assert workbook.sheetnames == ["Svar", "Kommentarer"]
    rows = list(workbook["Kommentarer"].values)
    assert rows[0][5] == "Stycke" and len(rows) == 3
    assert {row[6] for row in rows[1:]} == {
        "'=SUMMA(A1) ska inte räknas.",
        "Bibliotek även i byarna.",
    }


def test_the_records_pdf_has_the_versions_comments(client, consultation):  # type: ignore[no-untyped-def]
    _world(client, consultation)
    staff = consultation_staff(client)
    response = db.session.scalars(
        select(Response).where(Response.current_version_id.is_not(None))
    ).one()
    pdf = staff.get(f"/admin/r/kronoberg/c/{consultation.id}/responses/{response.id}/answer.pdf")
    assert pdf.status_code == 200
    text = " ".join(pdf_text(pdf.data).split())
    assert "Kommentarer på planens text" in text
    assert "Stycke 2.2" in text and "Bibliotek även i byarna." in text


def test_without_a_plan_the_workbook_has_one_sheet(client, consultation):  # type: ignore[no-untyped-def]
    staff = consultation_staff(client)
    data = staff.get(f"/admin/r/kronoberg/c/{consultation.id}/export.xlsx").get_data()
    assert load_workbook(io.BytesIO(data)).sheetnames == ["Svar"]
