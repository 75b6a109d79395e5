"""The floor for the page benchmark: the least a web app can do to show and save a form.

Flask, Jinja and SQLAlchemy Core, nothing of KICK Forms. ``GET /form`` reads a form and its 10
questions (two queries) and renders them as a page with a label, hint and field per question.
``POST /form`` reads the same two, then inserts a submission and its 10 answers (11 rows) in
one transaction, which on SQLite begins IMMEDIATE with KICK's settings (``baseline_app``), and
answers 303. ``bench/pages.py`` measures KICK's routes against these two under the same
gunicorn settings, database kind and concurrency::

    BASELINE_DATABASE_URL=sqlite:////tmp/floor.sqlite3 \\
        gunicorn -c gunicorn.conf.py --pythonpath bench 'form_floor_app:create_app()'
"""

from __future__ import annotations

import os
import secrets

from baseline_app import create_database_engine
from flask import Flask, abort, redirect, render_template, request
from jinja2 import DictLoader
from sqlalchemy import Column, Engine, ForeignKey, Integer, MetaData, String, Table, Text, select

QUESTIONS = 10

metadata = MetaData()

forms = Table(
    "floor_form",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("intro", Text, nullable=False),
)
questions = Table(
    "floor_question",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("form_id", ForeignKey("floor_form.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("label", String(500), nullable=False),
    Column("hint", Text, nullable=False),
)
submissions = Table(
    "floor_submission",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("form_id", ForeignKey("floor_form.id"), nullable=False),
    Column("nonce", String(64), nullable=False, unique=True),
)
answers = Table(
    "floor_answer",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("submission_id", ForeignKey("floor_submission.id"), nullable=False, index=True),
    Column("question_id", ForeignKey("floor_question.id"), nullable=False),
    Column("value", Text, nullable=False),
)

PAGE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>{{ form.title }}</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body><main><h1>{{ form.title }}</h1><p>{{ form.intro }}</p>
<form method="post" action="/form">
<input type="hidden" name="nonce" value="{{ nonce }}">
{% for question in questions %}
<div class="field"><label for="q-{{ question.id }}">{{ question.label }}</label>
<p class="hint" id="q-{{ question.id }}-hint">{{ question.hint }}</p>
<textarea id="q-{{ question.id }}" name="q-{{ question.id }}"
 aria-describedby="q-{{ question.id }}-hint" rows="4"></textarea></div>
{% endfor %}
<button type="submit">Spara</button></form></main></body></html>
"""


def prepare(database_url: str) -> None:
    """The floor's tables, with one form of 10 questions."""
    engine = create_database_engine(database_url)
    metadata.create_all(engine)
    with engine.begin() as connection:
        form_id = connection.execute(
            forms.insert().values(title="Samråd om kulturplanen", intro="Berätta vad ni tycker.")
        ).inserted_primary_key[0]
        connection.execute(
            questions.insert(),
            [
                {
                    "form_id": form_id,
                    "position": number,
                    "label": f"Fråga {number}: vad betyder kulturen för er ort?",
                    "hint": "Skriv gärna några meningar.",
                }
                for number in range(1, QUESTIONS + 1)
            ],
        )
    engine.dispose()


def _read(engine: Engine):  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        form = connection.execute(select(forms).order_by(forms.c.id).limit(1)).one_or_none()
        if form is None:
            abort(404)
        rows = connection.execute(
            select(questions).where(questions.c.form_id == form.id).order_by(questions.c.position)
        ).all()
    return form, rows


def create_app(database_url: str | None = None) -> Flask:
    engine = create_database_engine(database_url or os.environ["BASELINE_DATABASE_URL"])
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"form.html": PAGE})

    @app.get("/")
    @app.get("/form")
    def show() -> str:
        form, rows = _read(engine)
        return render_template(
            "form.html", form=form, questions=rows, nonce=secrets.token_urlsafe(24)
        )

    @app.post("/form")
    def save():  # type: ignore[no-untyped-def]
        nonce = request.form.get("nonce", "")
        if not 16 <= len(nonce) <= 64:
            abort(400)
        with engine.begin() as connection:
            form = connection.execute(select(forms).order_by(forms.c.id).limit(1)).one()
            rows = connection.execute(
                select(questions.c.id).where(questions.c.form_id == form.id)
            ).all()
            submission_id = connection.execute(
                submissions.insert().values(form_id=form.id, nonce=nonce)
            ).inserted_primary_key[0]
            connection.execute(
                answers.insert(),
                [
                    {
                        "submission_id": submission_id,
                        "question_id": row.id,
                        "value": request.form.get(f"q-{row.id}", ""),
                    }
                    for row in rows
                ],
            )
        return redirect("/form", code=303)

    return app
