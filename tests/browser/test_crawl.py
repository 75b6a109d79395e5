"""Every page of the demo, crawled: axe-core (WCAG 2.1 A/AA) and the W3C Nu HTML checker.

A live server on a database of its own holds the demo (``load_demo_data(with_answers=True)``)
and the private links an organisation gets: a draft, a sent answer, an invitation, an
unsubscribe link, a quality survey and a registration to confirm. The crawl starts from the public
seeds without a login, then from ``/admin/`` as Kronoberg's demo admin and as a platform admin,
and follows every same-origin link with GET, breadth first. Three forms are also sent empty, to
check the pages with their errors. Each HTML page is checked with axe-core in Chromium, its
status and the browser's errors are checked, and its HTML as served is saved; one run of Nu
(``vnu-jar``, Java) checks all saved pages at the end. Nothing Nu reports is filtered out.

Reflow (WCAG 1.4.10): after axe, each page is also laid out 320 CSS pixels wide, and nothing may
make the document scroll sideways (``document.scrollingElement.scrollWidth > clientWidth``),
except content inside a data-table scroller: an element with the class ``table-wrap``,
``role="region"``, ``tabindex="0"`` and a name (``aria-labelledby`` or ``aria-label``), which
scrolls on its own (``overflow-x: auto``) and so never widens the page. A ``table-wrap`` that
scrolls at 320 px without that role, tab stop or name is reported too: keyboard users could not
reach what it hides. The offending elements are reported by selector and width. The window is
then set back to its usual size for the next page.

Targets: every visible radio button and checkbox is at least 40 by 40 CSS pixels, like GOV.UK's.

Pages and states that links do not reach are visited on purpose (``extra`` and the ``*_states``
functions), and checked the same way: the confirmations behind ``/delete`` links (a document's,
a draft consultation's, and the refusal for an open one, answered with 409), the public board as
the region's staff see it (with the feedback on the plan's chapters), a preview of an imported
plan's text, and the states htmx makes in place: a comment box opened on a paragraph and the
comment saved, a conditional question shown after a choice (via the ``/shown`` route), and,
without JavaScript, the notice of the question that saving the choice showed. An htmx state is
checked as the DOM is then (``page.content()`` for Nu), named by its path and the state.

Left out on purpose:

* links that change something or are not HTML: logout, ``/delete`` confirmations, downloads
  (``.csv``, ``.xlsx``, ``.pdf``, ``.zip``, ``.json``, exports, minutes, files, logos,
  attachments), the API, static files;
* ``?lang=`` links: following one switches the whole session's language. Instead the first page
  of each URL pattern is visited once more in English by a visitor who chose English;
* more than ``PER_PATTERN`` pages of one URL pattern (numbers, regions, consultations and
  tokens in the path are one pattern; so are query strings with the same keys), so that three
  organisations, responses or pages of a list stand for all of them;
* staff follow only links under ``/admin/``: the public pages are crawled without a login.

Run it with ``-s`` to see the counts.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from kick_forms import create_app
from kick_forms.extensions import db
from tests.browser import nu
from tests.browser.axe import violations
from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser

DEMO_ADMIN = ("admin@kronoberg.demo.kickforms.se", "demo-kronoberg-2027")
PLATFORM_ADMIN = ("crawl-platform@kick.example.se", PASSWORD)
PER_PATTERN = 3
NARROW = 320  # CSS pixels: WCAG 1.4.10's reflow width
# A data-table scroller: what may be wider than the window, because it scrolls on its own.
SCROLLER = '.table-wrap[role="region"][tabindex="0"]:is([aria-labelledby], [aria-label])'
# In the page: the visible radio buttons and checkboxes smaller than 40 by 40 px.
SMALL_TARGETS = """() => [...document.querySelectorAll("input[type=radio], input[type=checkbox]")]
  .filter((input) => input.checkVisibility() && !input.closest(".honeypot"))
  .map((input) => [input.id || input.name, input.getBoundingClientRect()])
  .filter(([, box]) => box.width < 40 || box.height < 40)
  .map(([id, box]) => `#${id}: ${Math.round(box.width)} by ${Math.round(box.height)} px`)"""
# In the page: the elements that make the document scroll sideways at its current width, as
# "selector: width", outermost first, at most five; and the data-table wrappers that scroll
# without being a SCROLLER. Empty when the page reflows.
REFLOW = """(scroller) => {
  const root = document.scrollingElement;
  const width = root.clientWidth;
  const found = [];
  const name = (element) => {
    let text = element.localName;
    if (element.id) text += "#" + element.id;
    for (const cls of [...element.classList].slice(0, 2)) text += "." + cls;
    const parent = element.parentElement;
    return parent && parent !== document.body ? name(parent) + " > " + text : text;
  };
  for (const wrap of document.querySelectorAll(".table-wrap")) {
    if (wrap.scrollWidth > wrap.clientWidth + 1 && !wrap.matches(scroller)) {
      found.push(`${name(wrap)}: scrolls but is not a region with tabindex=0 and a name`);
    }
  }
  if (root.scrollWidth <= width) return found;
  const extent = (element) => {  // the right edge of the element or of what overflows it
    const box = element.getBoundingClientRect();
    return Math.round(box.left + window.scrollX + Math.max(box.width, element.scrollWidth));
  };
  const wide = (element) => extent(element) > width + 1;
  const walk = (element) => {
    if (found.length >= 5 || element.matches(scroller)) return;
    const children = [...element.children].filter(wide);
    const box = element.getBoundingClientRect();
    const own = box.left + window.scrollX + box.width > width + 1;
    if (own || children.length === 0) {
      found.push(`${name(element)}: ${extent(element)} px`);
      return;
    }
    children.forEach(walk);
  };
  [...document.body.children].filter(wide).forEach(walk);
  if (found.length === 0) {  // positioned boxes escape their scroller's clipping
    for (const element of document.body.querySelectorAll("*")) {
      const position = getComputedStyle(element).position;
      const box = element.getBoundingClientRect();
      if (["absolute", "fixed"].includes(position) && box.right + window.scrollX > width + 1) {
        found.push(`${name(element)} (${position}): ${Math.round(box.right + window.scrollX)} px`);
        if (found.length >= 5) break;
      }
    }
  }
  if (found.length === 0) found.push(`the document: ${root.scrollWidth} px`);
  return [...new Set(found)];
}"""
PUBLIC_SEEDS = [
    "/",
    "/folj/skickat",  # after following: reached by the form's redirect only
    "/folj/klart",
    "/board",
    "/metod",
    "/metod/checklista",
    "/metod/om-koden",
    "/metod/utskrift",
    "/hjalp/",
    "/allianser",
    "/studiehandledning/",
    "/integritet",
    "/r/kronoberg/",
    "/r/kronoberg/c/{slug}/",
    "/r/kronoberg/c/{slug}/respond",
    "/r/kronoberg/c/{slug}/board",
    "/r/kronoberg/c/{slug}/plan",
    "/r/kronoberg/register",
    "/r/kronoberg/register/sent",
    "/r/kronoberg/register/confirmed",
    "/embed/r/kronoberg/c/{slug}",
    "/embed/r/kronoberg/c/{slug}/respond",
    "/admin/login",
    "/admin/password/forgot",
]
NOT_FOUND = "/finns-inte"  # the error page, answered with 404
# Pages reached only by POST: these forms sent empty show their errors (answered with 422).
SENT_EMPTY = [
    ("/r/kronoberg/c/{slug}/respond", "Börja svara"),
    ("/embed/r/kronoberg/c/{slug}/respond", "Börja svara"),
    ("/r/kronoberg/register", "Skicka ansökan"),
    ("/admin/password/forgot", "Skicka länken"),
    ("/tillganglighet", "Skicka rapporten"),
    ("/folj", "Följ"),
]

SKIP = re.compile(
    r"/delete|/logout|/export|/minutes|/files/|/logo|/attachments|/static/|/api/"
    r"|\.(csv|xlsx|pdf|zip|json|css|js|png|jpe?g|svg|ico|txt|atom|ics)$"
)
# Path segments that stand for one of many: the segment after these names.
VARIABLE_AFTER = {"r", "c", "respond", "invitation", "unsubscribe", "kvalitet", "confirm",
                  "bekrafta", "avsluta"}  # fmt: skip


def pattern(url: str) -> str:
    """The URL's pattern: variable path segments and query values replaced."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    for index, segment in enumerate(segments):
        if segment.isdigit() or (index and segments[index - 1] in VARIABLE_AFTER):
            segments[index] = "*"
    if segments[1:3] == ["admin", "metod"] and len(segments) > 4:
        segments[3:5] = ["*", "*"]  # the method matrix's cells
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return "/".join(segments) + ("?" + "&".join(keys) if keys else "")


def kind_of(path: str) -> str:
    if path.startswith("/admin"):
        return "staff"
    if path.startswith("/embed"):
        return "embed"
    private = ("/respond/", "/invitation/", "/unsubscribe/", "/kvalitet/", "/register/confirm/")
    return "organisation" if path.startswith(private) else "public"


@dataclass
class Visit:
    url: str
    kind: str
    language: str
    file: Path


@dataclass
class Report:
    visits: list[Visit] = field(default_factory=list)
    axe: list[str] = field(default_factory=list)
    reflow: list[str] = field(default_factory=list)  # sideways scrolling at NARROW px
    too_wide: int = 0  # pages that scroll sideways at NARROW px
    targets: list[str] = field(default_factory=list)  # radios and checkboxes under 40 px
    problems: list[str] = field(default_factory=list)  # HTTP statuses and browser errors


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    """A live server on the demo, and the private links organisations get."""
    from kick_forms.auth.services import create_user
    from kick_forms.consultations.kick_templates import load_shipped_templates
    from kick_forms.demo import DEMO_SLUG, load_demo_data
    from kick_forms.dialogue.quality import survey_token
    from kick_forms.invitations.services import invitation_token, unsubscribe_token
    from kick_forms.models import (
        Consultation,
        ConsultationTemplate,
        Invitation,
        Region,
        Response,
        User,
    )
    from kick_forms.news import following
    from kick_forms.organisations.services import OrganisationData
    from kick_forms.reference import load_reference_data
    from kick_forms.registration import services as registration
    from kick_forms.responses.services import Respondent, start_response
    from kick_forms.timeutil import utcnow

    url = f"sqlite:///{tmp_path_factory.mktemp('crawl') / 'crawl.sqlite3'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "crawl-test-secret-key-long-enough-for-tests",
            "RATELIMIT_ENABLED": False,
        }
    )
    links = {"slug": DEMO_SLUG}
    with app.app_context():
        upgrade()
        load_reference_data()
        load_demo_data(with_answers=True)
        create_user(*PLATFORM_ADMIN, name="KICK", platform_admin=True)
        load_shipped_templates()  # KICK's template (the demo loads it too)
        links["template_id"] = str(db.session.scalars(db.select(ConsultationTemplate.id)).first())
        now = utcnow()
        region = db.session.scalars(db.select(Region).filter_by(slug="kronoberg")).one()
        consultation = db.session.scalars(
            db.select(Consultation).filter_by(region_id=region.id, slug=DEMO_SLUG)
        ).one()
        who = Respondent("Crawlens kulturförening", None, "0780", ["choir"], "Kim Kontakt",
                         "kim@example.se", True)  # fmt: skip
        _draft, links["draft"] = start_response(consultation, who, "crawl", now, lambda t: "")
        links["sent"] = _sent_answer(consultation, now)
        links["consultation_id"] = str(consultation.id)
        submitted = db.session.scalars(
            db.select(Response).where(Response.consultation_id == consultation.id)
            .where(Response.submitted_at.is_not(None)).order_by(Response.id)
        ).first()  # fmt: skip
        links["survey"] = survey_token(submitted)
        _plan_and_conditions(region, consultation, who, now, links)
        organisation = region_organisations(region)[-1]  # registered, not answering
        contact = organisation.all_contacts[0]
        admin = db.session.scalars(db.select(User).filter_by(email=DEMO_ADMIN[0])).one()
        invitation = Invitation(
            consultation=consultation, organisation=organisation, invited_at=now - timedelta(1),
            invited_by_id=admin.id, reminders=0,
        )  # fmt: skip
        db.session.add(invitation)
        db.session.flush()
        links["invitation"] = invitation_token(invitation.id, contact.id)
        links["unsubscribe"] = unsubscribe_token(contact.id)
        tokens: list[str] = []
        for name in ("Alvesta blåsorkester", "Lenhovda teaterförening"):
            listing = registration.request_listing(
                region, OrganisationData(name, None, "0764", ["music"]), "Ola Berg",
                "ola@example.se", now, lambda token: tokens.append(token) or token,
            )  # fmt: skip
        registration.confirm(listing, now)  # staff see one confirmed request
        links["register"] = tokens[0]
        # Following by e-mail: a link still to confirm, and one follower's unsubscribe link.
        follow_tokens: list[str] = []
        choice = following.FollowChoice("kim@example.se", [region], True, "weekly")
        following.ask_to_follow(choice, now, lambda token: follow_tokens.append(token) or token)
        links["follow"] = follow_tokens[0]
        confirmed = following.ask_to_follow(
            following.FollowChoice("ola@example.se", [region], False, "daily"), now, str
        )
        following.confirm(confirmed, now)
        links["stop_following"] = following.unsubscribe_token(confirmed)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    requests_log = logging.getLogger("werkzeug")
    level = requests_log.level
    requests_log.setLevel(
        logging.WARNING
    )  # a line per request of a few hundred pages hides the report
    yield f"http://127.0.0.1:{server.server_port}", links
    requests_log.setLevel(level)
    server.shutdown()
    thread.join()


def _sent_answer(consultation, now) -> str:  # type: ignore[no-untyped-def]
    """The private link of a sent answer, which has a confirmation page."""
    from werkzeug.datastructures import MultiDict

    from kick_forms.models import QuestionKind
    from kick_forms.responses.services import (
        Respondent,
        save_answers,
        start_response,
        submit_response,
    )

    who = Respondent("Crawlens hembygdsförening", None, "0780", ["local_heritage"],
                     "Kim Kontakt", "kim@example.se", True)  # fmt: skip
    response, token = start_response(consultation, who, "crawl-sent", now, lambda t: "")
    form = MultiDict()
    for question in consultation.questions:
        kind = QuestionKind(question.kind)
        if kind.has_options:
            answer = str(question.options[0].id)
        else:
            answer = {QuestionKind.SCALE: "3", QuestionKind.YES_NO: "yes"}.get(kind, "12")
        form.add(f"q-{question.id}", answer)
    save_answers(response, consultation.questions, form, now)
    submit_response(response, "crawl-submit", now, "")
    assert token is not None
    return token


def _plan_and_conditions(region, consultation, who, now, links: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """What issue 19's pages need beyond the demo: a comment in the crawl's draft, two more
    drafts for the conditional question (one with htmx, one without JavaScript), and a draft
    consultation (a copy of the demo without its plan's text) for the plan's import page and
    the delete confirmation."""
    from kick_forms.consultations import copying, plan_text
    from kick_forms.demo import CONDITIONAL_LABEL
    from kick_forms.models import Response
    from kick_forms.responses import comments as commenting
    from kick_forms.responses.services import start_response
    from kick_forms.tokens import hash_token

    paragraphs = [
        paragraph
        for chapter in commenting.plan_of(consultation)
        for paragraph in chapter.paragraphs
        if commenting.is_commentable(paragraph)
    ]
    draft = db.session.scalars(
        db.select(Response).filter_by(token_hash=hash_token(links["draft"]))
    ).one()
    commenting.save_comment(draft, paragraphs[0], "Nämn de ideella arrangörerna här.", now)
    links["paragraph"] = str(paragraphs[1].id)  # no comment yet: its box opens empty
    for name in ("shown", "no_js"):
        _response, links[name] = start_response(consultation, who, f"crawl-{name}", now,
                                                lambda t: "")  # fmt: skip
    conditional = next(q for q in consultation.questions if q.label == CONDITIONAL_LABEL)
    links["conditional"] = str(conditional.id)
    links["document_id"] = str(consultation.documents[0].id)
    copy = copying.create_from(region, copying.snapshot(consultation), "Crawlens utkast")
    plan_text.delete(copy)  # the import page starts empty
    links["draft_consultation_id"] = str(copy.id)


PLAN_PREVIEW = """# Inledning

Kulturen ska nå hela länet.

# Mål

- Fler scener
- Fler läsare
"""


def staff_states(crawler: Crawler, links: dict[str, str]) -> None:
    """The plan's text previewed on the draft's import page (a POST), as its editor sees it."""
    page = crawler.page
    url = f"{crawler.base}/admin/r/kronoberg/c/{links['draft_consultation_id']}/plan"
    page.goto(url)
    page.fill("textarea[name=source]", PLAN_PREVIEW)
    crawler.errors.clear()
    with page.expect_navigation() as navigation:
        page.click("button[name=action][value=preview]")
    crawler.check(url, navigation.value, "sv", 200)


def organisation_states(crawler: Crawler, links: dict[str, str]) -> None:
    """The states htmx makes in place in the answering flow: a comment box opened on a paragraph
    and the comment saved; a conditional question shown after the choice that shows it."""
    page = crawler.page
    paragraph = links["paragraph"]
    url = f"{crawler.base}/respond/{links['draft']}/plan"
    page.goto(url)
    crawler.errors.clear()
    page.click(f"#comment-{paragraph}-open")
    box = page.locator(f"#comment-{paragraph} textarea")
    box.wait_for()
    crawler.state(url, "comment box open")
    box.fill("Skriv gärna vilka orter som avses.")
    crawler.errors.clear()
    page.locator(f"#comment-{paragraph} button[type=submit]").click()
    page.locator("#plan-status").filter(has_text=re.compile(r"\S")).wait_for()
    crawler.state(url, "comment saved")

    url = f"{crawler.base}/respond/{links['shown']}/s/1"
    page.goto(url)
    crawler.errors.clear()
    with page.expect_response(re.compile(r"/shown$")):
        page.get_by_label("Aldrig", exact=True).check()
    page.locator(f"#shown-q{links['conditional']} textarea").wait_for()
    crawler.state(url, "conditional question shown")


def no_js_state(browser, base: str, report: Report, folder: Path, links: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Without JavaScript, the choice saved shows the section again with a notice of the
    question it showed. axe needs JavaScript, so the page as served to the browser without it
    is then served once more, from the browser's cache of it, to a page that runs axe."""
    url = f"{base}/respond/{links['no_js']}/s/1"
    context = browser.new_context(locale="sv-SE", java_script_enabled=False)
    page = context.new_page()
    page.goto(url)
    page.get_by_label("Aldrig", exact=True).check()
    with page.expect_navigation() as navigation:
        page.click("button[name=action][value=next]")
    served, status = navigation.value.text(), navigation.value.status
    assert page.locator("#appeared-title").is_visible()
    context.close()
    context = browser.new_context(locale="sv-SE")
    crawler = Crawler(base, context, report, folder)
    crawler.page.route(url, lambda route: route.fulfill(
        status=status, content_type="text/html; charset=utf-8", body=served))  # fmt: skip
    response = crawler.page.goto(url)
    crawler.check(f"{url}?without-javascript", response, "sv", 200)
    context.close()


def region_organisations(region):  # type: ignore[no-untyped-def]
    from kick_forms.models import Organisation, RegisterEntry

    return db.session.scalars(
        db.select(Organisation)
        .join(RegisterEntry, RegisterEntry.organisation_id == Organisation.id)
        .where(RegisterEntry.region_id == region.id)
        .order_by(Organisation.id)
    ).all()


class Crawler:
    def __init__(self, base: str, context, report: Report, folder: Path) -> None:  # type: ignore[no-untyped-def]
        self.base = base
        self.page = context.new_page()
        self.report = report
        self.folder = folder
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._console)

    def _console(self, message) -> None:  # type: ignore[no-untyped-def]
        """A browser error, with the address it is about ("Failed to load resource" names
        none of its own)."""
        if message.type == "error":
            where = (message.location or {}).get("url", "")
            self.errors.append(f"{message.text} ({where})" if where else message.text)

    def local(self, href: str, current: str) -> str | None:
        """The link as an absolute URL to follow, or None."""
        url, _fragment = urldefrag(urljoin(current, href))
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.base or SKIP.search(parts.path):
            return None
        query = parse_qsl(parts.query, keep_blank_values=True)
        if any(key == "lang" for key, _ in query):
            return None
        return f"{self.base}{parts.path}" + (f"?{urlencode(query)}" if query else "")

    def visit(self, url: str, language: str = "sv", status: int = 200) -> list[str]:
        """Check one page; return its links."""
        self.errors.clear()
        try:
            response = self.page.goto(url)
        except Exception as error:  # a download starts instead of a page
            if "Download is starting" in str(error):
                return []
            raise
        assert response is not None
        if "text/html" not in response.headers.get("content-type", ""):
            return []
        self.check(url, response, language, status)
        hrefs = self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        return [link for href in hrefs if (link := self.local(href, self.page.url))]

    def check(self, url: str, response, language: str, status: int) -> None:  # type: ignore[no-untyped-def]
        """axe-core on the page, its HTML saved for Nu, its status and the browser's errors."""
        path = urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
        if response.request.method == "POST":
            path = f"POST {path}"
        if response.status != status:
            self.report.problems.append(f"{path}: HTTP {response.status}")
        self._check(path, kind_of(urlsplit(url).path), language, response.text())
        expected = f"Failed to load resource: the server responded with a status of {status}"
        self.report.problems += [
            f"{path}: {error}" for error in self.errors if not (status >= 400 and expected in error)
        ]

    def state(self, url: str, name: str, language: str = "sv") -> None:
        """Check the page as htmx has changed it: its DOM saved for Nu, axe, reflow, targets."""
        parts = urlsplit(url)
        path = f"{parts.path} [{name}]"
        self._check(path, kind_of(parts.path), language, self.page.content())
        self.report.problems += [f"{path}: {error}" for error in self.errors]

    def _check(self, path: str, kind: str, language: str, html: str) -> None:
        """The page's HTML saved for Nu; axe, small targets and reflow checked in the browser."""
        file = self.folder / f"{len(self.report.visits):04d}.html"
        file.write_text(html, encoding="utf-8")
        self.report.visits.append(Visit(path, kind, language, file))
        self.report.axe += [f"{path} ({language}): {line}" for line in violations(self.page)]
        small = self.page.evaluate(SMALL_TARGETS)
        self.report.targets += [f"{path} ({language}): {line}" for line in small]
        wide = self.reflow()
        self.report.too_wide += bool(wide)
        self.report.reflow += [f"{path} ({language}) at {NARROW} px: {line}" for line in wide]

    def reflow(self) -> list[str]:
        """What scrolls sideways with the page laid out NARROW px wide; the size is restored."""
        size = self.page.viewport_size
        assert size is not None
        self.page.set_viewport_size({"width": NARROW, "height": size["height"]})
        try:
            return self.page.evaluate(REFLOW, SCROLLER)
        finally:
            self.page.set_viewport_size(size)

    def sent_empty(self, url: str, button: str) -> None:
        """Send a form without filling it in and check the page with its errors."""
        self.page.goto(url)
        self.errors.clear()
        with self.page.expect_navigation() as navigation:
            self.page.get_by_role("button", name=button).click()
        self.check(url, navigation.value, "sv", 422)

    def crawl(self, seeds: list[str], inside: str = "/") -> list[str]:
        """Breadth first from the seeds; return the first URL of each pattern visited."""
        queue = deque(f"{self.base}{seed}" for seed in seeds)
        seen = set(queue)
        per_pattern: Counter[str] = Counter()
        firsts = []
        while queue:
            url = queue.popleft()
            key = pattern(url)
            if per_pattern[key] >= PER_PATTERN:
                continue
            per_pattern[key] += 1
            if per_pattern[key] == 1:
                firsts.append(url)
            for link in self.visit(url):
                if link not in seen and urlsplit(link).path.startswith(inside):
                    seen.add(link)
                    queue.append(link)
        return firsts

    def log_in(self, email: str, password: str) -> None:
        self.page.goto(f"{self.base}/admin/login")
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{self.base}/admin/")


def test_every_page_of_the_demo_passes_axe_and_the_nu_html_checker(demo_server, browser, tmp_path):
    if not nu.available():
        pytest.skip("the Nu HTML checker needs Java and node_modules/vnu-jar (make test)")
    base, links = demo_server
    started = time.monotonic()
    report = Report()
    slug = links["slug"]
    seeds = [seed.format(slug=slug) for seed in PUBLIC_SEEDS] + [
        f"/respond/{links['draft']}",
        f"/embed/respond/{links['draft']}",
        f"/respond/{links['sent']}",
        f"/respond/{links['sent']}/confirmation/1",
        f"/embed/respond/{links['sent']}/confirmation/1",
        f"/invitation/{links['invitation']}",
        f"/unsubscribe/{links['unsubscribe']}",
        f"/kvalitet/{links['survey']}",
        f"/register/confirm/{links['register']}",
        f"/folj/bekrafta/{links['follow']}",
        f"/folj/avsluta/{links['stop_following']}",
        f"/respond/{links['draft']}/plan",
        f"/respond/{links['draft']}/check",
        f"/embed/respond/{links['draft']}/plan",
    ]
    demo = f"/admin/r/kronoberg/c/{links['consultation_id']}"
    draft = f"/admin/r/kronoberg/c/{links['draft_consultation_id']}"
    staff = ["/admin/", f"{demo}/method/quality", f"{demo}/plan-comments", f"{demo}/feedback",
             f"{demo}/documents", f"{demo}/copies/new", "/admin/r/kronoberg/c/from-template/new",
             f"{draft}/plan"]  # fmt: skip
    kick = ["/admin/", "/admin/alliances", "/admin/metod/",  # linked from public pages only
            "/admin/templates/", f"/admin/templates/{links['template_id']}/edit",
            f"{demo}/template/edit"]  # fmt: skip
    # Pages links do not lead to (confirmations behind /delete, the board as staff see it),
    # with the status each is answered with.
    staff_extra = [
        (f"{demo}/documents/{links['document_id']}/delete", 200),
        (f"{draft}/delete", 200),
        (f"{demo}/delete", 409),  # an opened consultation cannot be deleted
        (f"/r/kronoberg/c/{slug}/board", 200),  # with the feedback on the plan's chapters
    ]
    identities = [(None, seeds, "/", [], organisation_states),
                  (DEMO_ADMIN, staff, "/admin/", staff_extra, staff_states),
                  (PLATFORM_ADMIN, kick, "/admin/", [], None)]  # fmt: skip
    for login, start, inside, extra, states in identities:
        context = browser.new_context(locale="sv-SE")
        crawler = Crawler(base, context, report, tmp_path)
        if login:
            crawler.log_in(*login)
        else:
            crawler.visit(f"{base}{NOT_FOUND}", status=404)
            for form, button in SENT_EMPTY:
                crawler.sent_empty(f"{base}{form.format(slug=slug)}", button)
        firsts = crawler.crawl(start, inside)
        for path, status in extra:
            crawler.visit(f"{base}{path}", status=status)
        if states:
            states(crawler, links)
        crawler.page.goto(f"{base}/?lang=en")  # the visitor chooses English
        for url in firsts:
            crawler.visit(url, language="en")
        for path, status in extra:
            crawler.visit(f"{base}{path}", language="en", status=status)
        context.close()
    no_js_state(browser, base, report, tmp_path, links)
    checked = time.monotonic()

    nu_errors = nu.errors([visit.file for visit in report.visits])
    by_file = {visit.file: visit for visit in report.visits}
    nu_lines = [
        f"{by_file[file].url} ({by_file[file].language}): {message}"
        for file, messages in nu_errors.items()
        for message in messages
    ]
    kinds = Counter(visit.kind for visit in report.visits)
    languages = Counter(visit.language for visit in report.visits)
    print(
        f"\nCrawl: {len(report.visits)} pages visited "
        f"({', '.join(f'{kind} {count}' for kind, count in sorted(kinds.items()))}; "
        f"{languages['sv']} in Swedish, {languages['en']} in English); "
        f"axe violations: {len(report.axe)}; Nu errors: {len(nu_lines)}; "
        f"pages checked at {NARROW} px: {len(report.visits)}, scrolling sideways: "
        f"{report.too_wide}; radios and checkboxes under 40 px: {len(report.targets)}; "
        f"other problems: {len(report.problems)}; "
        f"{checked - started:.0f} s in the browser, {time.monotonic() - checked:.0f} s in Nu"
    )
    for line in [*report.axe, *nu_lines, *report.reflow, *report.targets, *report.problems]:
        print(" ", line)
    assert {"public", "organisation", "staff", "embed"} <= set(kinds)
    assert report.axe == []
    assert nu_lines == []
    assert report.reflow == []
    assert report.targets == []
    assert report.problems == []
