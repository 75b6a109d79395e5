"""Every page of the region's staff links its section of the guide ("Hjälp"), in both languages,
and every label the guide quotes is on a page its section describes.

The pages are reached as the route matrix reaches them (tests/routes.py): each GET route under
/admin filled with real objects, seen by a platform administrator who is also the region's
administrator; the sign-in pages anonymously.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from werkzeug.routing import Rule

from kick_forms.auth.services import grant_role
from kick_forms.help import guide
from kick_forms.models import ConsultationStatus, Role
from tests.conftest import make_consultation, region
from tests.routes import Links, all_rules, fill, staff, visitor

STATES = (ConsultationStatus.DRAFT, ConsultationStatus.OPEN, ConsultationStatus.CLOSED)
HTML_PAGES = [
    rule for rule in all_rules() if rule.rule.startswith("/admin") and "GET" in rule.methods
]


class _Page(HTMLParser):
    """The links of a page, its ids, and the texts of what a guide may quote on it."""

    QUOTABLE = {"a", "button", "label", "legend", "summary", "h1", "h2", "h3", "h4", "th", "dt",
                "option", "caption"}  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.texts: set[str] = set()
        self._open: list[tuple[str, list[str], list[str], str | None]] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "input" and attrs.get("type") == "submit" and attrs.get("value"):
            self.texts.add(attrs["value"])
        if self._hidden:
            self._hidden += tag not in ("br", "img", "input")
        elif "visually-hidden" in (attrs.get("class") or "").split():
            self._hidden = 1
        if tag in self.QUOTABLE:
            self._open.append((tag, [], [], attrs.get("href")))

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if self._hidden:
            self._hidden -= 1
        if self._open and self._open[-1][0] == tag:
            _tag, seen, everything, href = self._open.pop()
            visible = " ".join("".join(seen).split())
            self.texts |= {visible, " ".join("".join(everything).split())}
            if tag == "a" and href:
                self.links.append((visible, href))

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        for _tag, seen, everything, _href in self._open:
            everything.append(data)
            if not self._hidden:
                seen.append(data)


def _parse(html: str) -> _Page:
    parser = _Page()
    parser.feed(html)
    return parser


class _Site:
    """The objects pages are filled with, made once per kind: consultations in each state for
    the staff pages (a draft unless asked), an open one with its private links for the public
    pages, and a user who may see them all."""

    def __init__(self) -> None:
        self.user = staff(None, None, platform=True)
        grant_role(self.user, region("kronoberg"), Role.ADMIN)
        self.consultations: dict[tuple[bool, str], tuple] = {}

    def url(self, rule: Rule, status: ConsultationStatus = ConsultationStatus.DRAFT) -> str:
        staff_page = rule.rule.startswith("/admin")
        status = status if staff_page else ConsultationStatus.OPEN
        key = (staff_page, status.value)
        if key not in self.consultations:
            slug = f"{'staff-' if staff_page else ''}plan-{status.value}"
            consultation = make_consultation(region_slug="kronoberg", slug=slug, status=status)
            self.consultations[key] = (consultation, Links(consultation))
        consultation, links = self.consultations[key]
        return fill(rule, consultation, links.for_endpoint(rule.endpoint))


def _html_page(app, site: _Site, rule: Rule, language: str, status=ConsultationStatus.DRAFT):  # type: ignore[no-untyped-def]
    """The rule's page as staff see it (or anonymously, for the sign-in pages), or None where it
    is a download, a redirect or a form that only answers a POST."""
    url = site.url(rule, status)
    joiner = "&" if "?" in url else "?"
    for user in (site.user, None):
        client, _csrf = visitor(app, user)
        response = client.get(f"{url}{joiner}lang={language}")
        if response.status_code == 200 and response.mimetype == "text/html":
            return client, response.get_data(as_text=True)
    return None


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_staff_page_links_its_section_of_the_guide(app, language):
    site = _Site()
    word = {"sv": "Hjälp", "en": "Help"}[language]
    anchors: dict[str, set[str]] = {}
    walked, problems = [], []
    for rule in HTML_PAGES:
        found = _html_page(app, site, rule, language)
        if found is None:
            continue  # a download, or a page that only answers a POST
        client, html = found
        walked.append(rule.endpoint)
        help_links = [href for text, href in _parse(html).links if text == word]
        if len(help_links) != 1:
            problems.append(f"{rule.endpoint}: {len(help_links)} {word} links")
            continue
        path, _hash, anchor = help_links[0].partition("#")
        if path not in anchors:
            target = client.get(f"{path}?lang={language}")
            anchors[path] = (
                _parse(target.get_data(as_text=True)).ids if target.status_code == 200 else set()
            )
        if not path.startswith("/hjalp/") or anchor not in anchors[path]:
            problems.append(f"{rule.endpoint}: {help_links[0]} leads nowhere")
    assert len(walked) > 50
    assert problems == []


def _sections(app, language: str):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        pages = guide.pages(language)
    return [(page, section) for page in pages for section in page.sections if section.labels]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_label_the_guide_quotes_is_on_a_page_its_section_describes(app, language):
    rules = {rule.endpoint: rule for rule in all_rules()}
    site = _Site()
    rendered: dict[str, set[str]] = {}
    missing = []
    sections = _sections(app, language)
    assert sections, "the guide quotes no label"
    for page, section in sections:
        assert section.endpoints, f"{page.slug}#{section.anchor} quotes labels but names no page"
        texts: set[str] = set()
        for endpoint in section.endpoints:
            if endpoint not in rendered:
                # The page as a draft, open and closed: a button may show in one state only.
                # A download or a redirect has no labels; the section quotes another page's.
                rendered[endpoint] = set()
                for status in STATES:
                    found = _html_page(app, site, rules[endpoint], language, status)
                    rendered[endpoint] |= _parse(found[1]).texts if found else set()
            texts |= rendered[endpoint]
        missing += [
            f"{page.slug}#{section.anchor}: {{{{{label}}}}}"
            for label in section.labels
            if label not in texts
        ]
    assert missing == []
