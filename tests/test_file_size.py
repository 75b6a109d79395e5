"""File sizes as people read them, in the page's language, the same on every page that lists
attached files."""

from __future__ import annotations

from pathlib import Path

from flask_babel import force_locale

from kick_forms.templating import file_size

TEMPLATES = Path(__file__).parent.parent / "templates"


def test_sizes_read_in_kilobytes_and_megabytes_in_the_pages_language(app):
    with app.test_request_context():
        assert file_size(120) == "1 kB"  # never "0 kB" for a file that holds something
        assert file_size(340_400) == "340 kB"
        assert file_size(2_400_000) == "2,4 MB"
        with force_locale("en"):
            assert file_size(2_400_000) == "2.4 MB"


def test_every_page_that_lists_files_uses_the_filter():
    for template in TEMPLATES.rglob("*.html"):
        assert ".size / 1000" not in template.read_text(encoding="utf-8"), template
