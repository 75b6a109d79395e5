"""HTML drawn as PDF with real text, by WeasyPrint, reading this site's own static files.

Used by the board's PDF, the records' PDF/A documents and the printable method manual.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.security import safe_join

from kick_forms.urls import public_root


def app_pdf(html: str, variant: str | None = None) -> bytes:
    """``render_pdf`` with this application's static files and public address."""
    return render_pdf(
        html,
        base_url=public_root(),
        static_folder=current_app.static_folder or "",
        static_url_path=current_app.static_url_path or "/static",
        variant=variant,
    )


def render_pdf(
    html: str,
    base_url: str,
    static_folder: str,
    static_url_path: str,
    variant: str | None = None,
) -> bytes:
    """HTML as a PDF with real text; stylesheets are read from the static folder, not fetched.

    ``variant`` asks for a PDF standard, e.g. "pdf/a-2b" for records an archive keeps: the
    fonts are embedded either way, and PDF/A adds the colour profile and XMP metadata.
    """
    # Imported here: loading Pango costs every worker and test app half a second at start.
    from weasyprint import HTML

    # The site's stylesheet has rules WeasyPrint skips (focus outlines, accent colours); one
    # warning per rule on every PDF would drown the log.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = _static_fetcher(base_url, static_folder, static_url_path)
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(pdf_variant=variant) if variant else document.write_pdf()


def _static_fetcher(base_url: str, static_folder: str, static_url_path: str):  # type: ignore[no-untyped-def]
    """A URL fetcher that reads our own static files from disk and refuses everything else.

    Fetching over HTTP would ask this same app (a worker waiting on itself) and any other URL
    would let a page reach the network.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    origin = urlsplit(base_url)
    prefix = static_url_path.rstrip("/") + "/"

    class StaticFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            parts = urlsplit(url)
            if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc) or not (
                parts.path.startswith(prefix)
            ):
                raise ValueError(f"not a static file of this site: {url}")
            path = safe_join(static_folder, parts.path[len(prefix) :])
            if path is None or not Path(path).is_file():
                raise ValueError(f"no such static file: {url}")
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, body=Path(path).read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticFetcher()
