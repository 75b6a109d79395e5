"""Take the help guide's screenshots from the demo data: ``make help-screenshots``.

Loads the demo into a fresh SQLite database in a temporary folder, serves the application on a
free local port, and photographs each page of ``kick_forms.help.screenshots.SHOTS`` in Swedish
and English with Chromium, writing ``static/help/<language>/<name>.png``. A changed page shows
up as a changed picture in review.

    python scripts/help_screenshots.py [NAME ...]   # only these pictures
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from kick_forms import create_app  # noqa: E402
from kick_forms.demo import load_demo_data  # noqa: E402
from kick_forms.extensions import db  # noqa: E402
from kick_forms.help.screenshots import DEMO_REGION, HEIGHT, SHOTS, WIDTH  # noqa: E402
from kick_forms.models import Consultation, ConsultationStatus, Region  # noqa: E402
from kick_forms.reference import load_reference_data  # noqa: E402
from kick_forms.responses.services import Respondent, start_response  # noqa: E402
from kick_forms.timeutil import utcnow  # noqa: E402
from kick_forms.tokens import hash_token  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LANGUAGES = ("sv", "en")
# Shaped like a private link (43 URL-safe characters), which the answering pages require.
DRAFT_LINK = "Exempel-pa-en-privat-lank-till-ett-utkast00"


def demo_app(folder: Path):  # type: ignore[no-untyped-def]
    """The application on a new database in ``folder``, with the reference and demo data."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.sqlite3'}",
            "SECRET_KEY": "help-screenshots",
            "RATELIMIT_ENABLED": False,
            "PAGE_CACHE": False,
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_reference_data()
        db.session.commit()
        logins = load_demo_data(with_answers=True)
        db.session.commit()
    return app, logins


def placeholders(app) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The demo region's open consultation, and a draft answer's private link to it."""
    with app.app_context():
        consultation = db.session.scalars(
            select(Consultation)
            .join(Region)
            .where(Region.slug == DEMO_REGION, Consultation.status == ConsultationStatus.OPEN)
            .order_by(Consultation.id)
        ).first()
        who = Respondent("Kammarkören Cantus", None, None, [], "Eva Ek", "eva@example.se", True)
        response, _token = start_response(consultation, who, "help-pictures", utcnow(), str)
        # The same private link every time, so that a picture showing it changes only when
        # the page does.
        response.token_hash = hash_token(DRAFT_LINK)
        db.session.commit()
        return {
            "region": DEMO_REGION,
            "consultation_id": str(consultation.id),
            "consultation_slug": consultation.slug,
            "draft": DRAFT_LINK,
        }


def take(names: list[str], out: Path | None = None) -> list[Path]:
    """Photograph the pages (all, or those named) and return the files written."""
    out = out or ROOT / "static" / "help"
    shots = [shot for shot in SHOTS if not names or shot.name in names]
    written = []
    with tempfile.TemporaryDirectory() as folder:
        app, logins = demo_app(Path(folder))
        values = placeholders(app)
        email, password = next(login for login in logins if f"@{DEMO_REGION}." in login[0])
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for language in LANGUAGES:
                    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
                    page = context.new_page()
                    page.goto(f"{base}/admin/login?lang={language}")
                    page.fill("input[name=email]", email)
                    page.fill("input[name=password]", password)
                    page.locator("form button[type=submit]").last.click()
                    page.wait_for_load_state()
                    anonymous = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
                    visitor = anonymous.new_page()
                    for shot in shots:
                        tab = page if shot.staff else visitor
                        tab.goto(f"{base}{shot.path.format(**values)}?lang={language}")
                        if shot.focus:
                            tab.locator(shot.focus).first.scroll_into_view_if_needed()
                            tab.evaluate(
                                "s => document.querySelector(s).scrollIntoView()", shot.focus
                            )
                        target = out / language / f"{shot.name}.png"
                        target.parent.mkdir(parents=True, exist_ok=True)
                        tab.screenshot(path=str(target), animations="disabled", caret="hide")
                        written.append(target)
                    context.close()
                    anonymous.close()
                browser.close()
        finally:
            server.shutdown()
    return written


if __name__ == "__main__":
    for path in take(sys.argv[1:]):
        print(path.relative_to(ROOT))
