"""The study guide: every Markdown file is a page, the print version, safety, the region chooser."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from kick_forms.models import ConsultationStatus
from kick_forms.studyguide import guide
from tests.conftest import make_consultation

CONTENT = Path(guide.__file__).parent / "content"
PREFIX = "/studiehandledning"


class Page(HTMLParser):
    """What the tests look at in a page: its headings, links, stylesheets and ids."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.links: list[str] = []
        self.stylesheets: list[tuple[str, str | None]] = []
        self.ids: list[str] = []
        self._heading: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [tag]
        elif tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append((attributes["href"], attributes.get("media")))

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._heading is not None:
            self._heading.append(data)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if self._heading is not None and tag == self._heading[0]:
            text = " ".join("".join(self._heading[1:]).split())
            self.headings.append((int(tag[1]), text))
            self._heading = None

    @property
    def h1(self) -> list[str]:
        return [text for level, text in self.headings if level == 1]


def markdown_files() -> list[Path]:
    return sorted(path for path in CONTENT.glob("*.md") if path.name != "README.md")


def url_of(path: Path) -> str:
    if path.stem == "index":
        return f"{PREFIX}/"
    return f"{PREFIX}/{re.sub(r'^[0-9]+-', '', path.stem)}"


def title_of(path: Path) -> str:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("# "), f"{path.name} must start with '# Title'"
    return first_line[2:].strip()


def session_files() -> list[Path]:
    return [path for path in markdown_files() if re.match(r"^[0-9]+-", path.stem)]


def get_page(client, url: str) -> Page:
    response = client.get(url)
    assert response.status_code == 200, url
    return Page(response.get_data(as_text=True))


def assert_headings_in_order(page: Page, url: str) -> None:
    assert len(page.h1) == 1, f"{url} has {len(page.h1)} h1"
    assert page.headings[0][0] == 1, f"{url} does not start with its h1"
    for (before, _), (after, text) in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1, f"{url}: h{after} '{text}' follows h{before}"
    assert len(page.ids) == len(set(page.ids)), f"{url} repeats an id"


@pytest.mark.parametrize("path", markdown_files(), ids=lambda path: path.name)
def test_every_markdown_file_is_a_page_with_its_title_as_the_h1(client, path):
    page = get_page(client, url_of(path))
    assert title_of(path) in page.h1[0]
    assert_headings_in_order(page, url_of(path))


def test_there_are_sessions_an_introduction_and_a_leaders_guide():
    names = {path.stem for path in markdown_files()}
    assert {"index", "ledarhandledning"} <= names
    assert len(session_files()) >= 5


def test_each_session_has_questions_to_discuss(client):
    for path in session_files():
        page = get_page(client, url_of(path))
        assert (2, "Att diskutera") in page.headings, path.name
        assert (2, "Öppna samråd") in page.headings, path.name


def test_index_lists_every_session_in_order(client):
    page = get_page(client, f"{PREFIX}/")
    session_urls = [url_of(path) for path in session_files()]
    listed = [link for link in page.links if link in session_urls]
    assert listed == session_urls
    assert f"{PREFIX}/ledarhandledning" in page.links
    assert f"{PREFIX}/utskrift" in page.links


def test_sessions_link_to_the_previous_and_the_next(client):
    urls = [url_of(path) for path in session_files()]
    middle = get_page(client, urls[1])
    assert urls[0] in middle.links and urls[2] in middle.links
    last = get_page(client, urls[-1])
    assert f"{PREFIX}/ledarhandledning" in last.links
    html = client.get(urls[1]).get_data(as_text=True)
    trail = html.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert 'href="/"' in trail and f'href="{PREFIX}/"' in trail
    assert f'<li aria-current="page">{title_of(session_files()[1])}</li>' in trail


def test_print_page_holds_every_session_and_links_a_print_stylesheet(client):
    response = client.get(f"{PREFIX}/utskrift")
    html = response.get_data(as_text=True)
    page = Page(html)
    assert_headings_in_order(page, "print")
    for path in markdown_files():
        if path.stem != "index":
            assert title_of(path) in html, path.name
    assert html.count(">Att diskutera</h3>") == len(session_files())
    assert html.count('class="guide-part"') == len(markdown_files())

    print_sheets = [href for href, media in page.stylesheets if media == "print"]
    assert print_sheets, "no print stylesheet"
    css = client.get(print_sheets[0]).get_data(as_text=True)
    assert "break-before: page" in css
    assert 'content: " (" attr(href) ")"' in css
    # On paper, the address after a link must work from anywhere: the public address.
    assert f"{client.application.config['PUBLIC_URL']}/metod" in html
    assert 'href="/studiehandledning/kultursamverkansmodellen"' not in html


def test_every_page_of_the_guide_links_the_print_stylesheet(client):
    for path in markdown_files():
        page = get_page(client, url_of(path))
        assert any(media == "print" for _, media in page.stylesheets), path.name


def test_raw_html_in_a_markdown_file_is_not_passed_through(client, monkeypatch, tmp_path):
    (tmp_path / "index.md").write_text("# Inledning\n\nText.\n", encoding="utf-8")
    (tmp_path / "01-prov.md").write_text(
        "# Prov\n\n"
        "Första <script>alert(1)</script> stycket med **fetstil**.\n\n"
        '<div onclick="alert(2)">ruta</div>\n\n'
        '<img src="x" onerror="alert(3)">\n\n'
        "[farlig](javascript:alert(4)) och [bra](/metod)\n\n"
        '<h2 id="main" style="color:red">Rå rubrik</h2>\n\n'
        '## Att "diskutera" <em>nu</em>\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(guide, "CONTENT_DIR", tmp_path)
    html = client.get(f"{PREFIX}/prov").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "onclick" not in html and "onerror" not in html and "<img" not in html
    assert "javascript:" not in html
    assert 'style="color' not in html
    assert "<strong>fetstil</strong>" in html
    assert 'href="/metod"' in html
    assert '<h2 id="ra-rubrik">Rå rubrik</h2>' in html
    assert html.count('id="main"') == 1  # the page's own <main>, not the file's heading
    assert '<h2 id="att-diskutera-nu">Att "diskutera" <em>nu</em></h2>' in html


def test_an_edited_file_is_read_again(client, monkeypatch, tmp_path):
    (tmp_path / "index.md").write_text("# Inledning\n", encoding="utf-8")
    session = tmp_path / "01-prov.md"
    session.write_text("# Före\n\nText.\n", encoding="utf-8")
    monkeypatch.setattr(guide, "CONTENT_DIR", tmp_path)
    assert "Före" in get_page(client, f"{PREFIX}/prov").h1[0]
    session.write_text("# Efter ändringen\n\nText.\n", encoding="utf-8")
    later = session.stat().st_mtime_ns + 1_000_000_000
    os.utime(session, ns=(later, later))
    assert "Efter ändringen" in get_page(client, f"{PREFIX}/prov").h1[0]


def test_an_unknown_session_is_not_found(client):
    assert client.get(f"{PREFIX}/finns-inte").status_code == 404
    assert client.get(f"{PREFIX}/README").status_code == 404


def test_the_region_chooser_shows_that_regions_open_consultations_only(client):
    make_consultation(region_slug="vasterbotten", slug="oppet", status=ConsultationStatus.OPEN)
    make_consultation(region_slug="vasterbotten", slug="stangt", status=ConsultationStatus.CLOSED)
    make_consultation(region_slug="vasterbotten", slug="utkast")
    make_consultation(region_slug="kronoberg", slug="annat", status=ConsultationStatus.OPEN)
    session = url_of(session_files()[0])

    chosen = client.get(f"{session}?region=vasterbotten").get_data(as_text=True)
    assert "/r/vasterbotten/c/oppet/" in chosen
    assert "/r/kronoberg/c/annat/" not in chosen
    assert "/r/vasterbotten/c/stangt/" not in chosen
    assert "/r/vasterbotten/c/utkast/" not in chosen
    assert 'href="/r/vasterbotten/"' in chosen
    assert '<option value="vasterbotten" selected>' in chosen
    # The choice follows the reader to the next session.
    assert f"{url_of(session_files()[1])}?region=vasterbotten" in chosen

    everywhere = client.get(session).get_data(as_text=True)
    assert "/r/vasterbotten/c/oppet/" in everywhere
    assert "/r/kronoberg/c/annat/" in everywhere
    assert "/r/vasterbotten/c/stangt/" not in everywhere

    nowhere = client.get(f"{session}?region=norrbotten").get_data(as_text=True)
    assert "Region Norrbotten har inget öppet samråd just nu." in nowhere
    unknown = client.get(f"{session}?region=atlantis")
    assert unknown.status_code == 200
    assert "/r/kronoberg/c/annat/" in unknown.get_data(as_text=True)


def test_english_pages_say_the_texts_are_in_swedish(client):
    html = client.get(f"{PREFIX}/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "written in Swedish only" in html
    assert '<div class="prose" lang="sv">' in html
    assert "Vem är den till för?" in html  # the text itself is not translated
    swedish = client.get(f"{PREFIX}/?lang=sv").get_data(as_text=True)
    assert "written in Swedish only" not in swedish
    assert "Studiehandledning" in swedish


def test_the_site_navigation_links_the_study_guide(client):
    assert f'href="{PREFIX}/"' in client.get("/").get_data(as_text=True)


# The crawl: every link on the guide's pages, followed from the introduction.


def crawl(client) -> tuple[set[str], set[str]]:
    """The study guide's pages reached from its introduction, and the links leaving it."""
    queue, inside, outside = [f"{PREFIX}/"], set(), set()
    while queue:
        url = queue.pop()
        if url in inside:
            continue
        inside.add(url)
        page = get_page(client, url)
        targets = page.links + [href for href, _ in page.stylesheets]
        for href in targets:
            parts = urlsplit(urljoin(f"http://localhost{url}", href))
            if parts.scheme not in ("http", "https") or parts.netloc != "localhost":
                continue  # another site, or mailto:
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.path.startswith(f"{PREFIX}/"):
                queue.append(target)
            else:
                outside.add(target)
    return inside, outside


def route_exists(app, target: str) -> bool:
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(urlsplit(target).path, method="GET")
    except RequestRedirect:
        return True
    except (NotFound, MethodNotAllowed):
        return False
    return True


def test_every_link_on_the_study_guides_pages_answers(app, client):
    make_consultation(region_slug="vasterbotten", slug="kulturplan", status=ConsultationStatus.OPEN)
    inside, outside = crawl(client)
    expected = {url_of(path) for path in markdown_files()} | {f"{PREFIX}/utskrift"}
    assert expected <= {urlsplit(url).path for url in inside}
    for target in sorted(outside):
        if route_exists(app, target):
            response = client.get(target, follow_redirects=True)
            assert response.status_code == 200, target


def test_links_leaving_the_study_guide_have_routes(app, client):
    _, outside = crawl(client)
    missing = sorted(target for target in outside if not route_exists(app, target))
    if missing:
        pytest.skip(
            "pages linked from the study guide that are not built yet (other parts of the "
            f"product will add them): {', '.join(missing)}"
        )
