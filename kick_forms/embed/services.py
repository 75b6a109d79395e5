"""Which websites may frame a region's forms, and how the frame looks."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask_babel import format_decimal
from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import EmbedOrigin, Region, RegionTheme
from kick_forms.models.embed import ORIGIN_MAX
from kick_forms.refusal import Refused

# Plain http is only for a developer's own machine; a region's website is served over https.
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})
LOGO_MAX_BYTES = 200_000
_LOGO_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
# White text on the header colour must reach WCAG 2.1 AA for normal text.
MINIMUM_CONTRAST = 4.5


class EmbedError(Refused):
    """Input the embed settings refuse, with a message for staff."""


def normalise_origin(text: str) -> str:
    """``https://www.regionkronoberg.se`` from what staff paste, or EmbedError saying why not.

    An origin is a scheme, a host and perhaps a port: the address of a site, not of a page.
    """
    value = text.strip()
    if not value:
        raise EmbedError(
            _l("Write the address of the website, e.g. https://www.regionkronoberg.se")
        )
    if len(value) > ORIGIN_MAX:
        raise EmbedError(_l("The address is too long."))
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise EmbedError(_l("This is not a web address.")) from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host or parts.username or parts.password:
        raise EmbedError(_l("Write the whole address, starting with https://"))
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise EmbedError(
            _l("Only the website's address, without a page: e.g. https://www.regionkronoberg.se")
        )
    shown_host = f"[{host}]" if ":" in host else host
    if parts.scheme == "http" and shown_host not in _LOCAL_HOSTS:
        raise EmbedError(_l("The website must use https://"))
    if "*" in host or not all(_valid_label(label) for label in host.strip("[]").split(".")):
        raise EmbedError(_l("This is not a web address."))
    default_port = {"https": 443, "http": 80}[parts.scheme]
    suffix = f":{port}" if port is not None and port != default_port else ""
    return f"{parts.scheme}://{shown_host}{suffix}"


def _valid_label(label: str) -> bool:
    if not label or len(label) > 63:
        return False
    try:
        ascii_label = label.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return all(c.isalnum() or c in "-:" for c in ascii_label) and not label.startswith("-")


def origins_of(region: Region) -> list[EmbedOrigin]:
    return list(
        db.session.scalars(
            select(EmbedOrigin).filter_by(region_id=region.id).order_by(EmbedOrigin.origin)
        )
    )


def add_origin(region: Region, text: str) -> EmbedOrigin:
    origin = normalise_origin(text)
    existing = db.session.scalars(
        select(EmbedOrigin).filter_by(region_id=region.id, origin=origin)
    ).one_or_none()
    if existing is not None:
        return existing
    added = EmbedOrigin(region_id=region.id, origin=origin)
    db.session.add(added)
    db.session.flush()
    return added


def remove_origin(region: Region, origin_id: int) -> str | None:
    """Remove one of the region's origins; the origin removed, or None if it was not there."""
    found = db.session.scalars(
        select(EmbedOrigin).filter_by(region_id=region.id, id=origin_id)
    ).one_or_none()
    if found is None:
        return None
    db.session.delete(found)
    db.session.flush()
    return found.origin


def frame_ancestors(region_id: int | None) -> str:
    """The CSP source list of who may frame a page of this region: us, and its websites."""
    sources = ["'self'"]
    if region_id is not None:
        sources += db.session.scalars(
            select(EmbedOrigin.origin).filter_by(region_id=region_id).order_by(EmbedOrigin.origin)
        ).all()
    return " ".join(sources)


def theme_of(region: Region) -> RegionTheme | None:
    return db.session.get(RegionTheme, region.id)


def contrast_with_white(colour: str) -> float:
    """WCAG 2.1 contrast ratio of white text on ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def normalise_colour(text: str) -> str | None:
    value = text.strip().lower()
    if not value:
        return None
    if len(value) == 4 and value.startswith("#"):
        value = "#" + "".join(c * 2 for c in value[1:])
    if (
        len(value) != 7
        or not value.startswith("#")
        or any(c not in "0123456789abcdef" for c in value[1:])
    ):
        raise EmbedError(_l("Write the colour as #rrggbb, e.g. #005a9c."))
    if contrast_with_white(value) < MINIMUM_CONTRAST:
        raise EmbedError(
            _l(
                "White text on this colour is too hard to read (contrast %(ratio)s:1, at least"
                " 4.5:1 is needed). Choose a darker colour.",
                ratio=format_decimal(contrast_with_white(value), "0.0"),
            )
        )
    return value


def logo_type(data: bytes) -> str:
    """The logo's media type, judged by its content; EmbedError if it is not one we take."""
    if len(data) > LOGO_MAX_BYTES:
        raise EmbedError(_l("The logo is larger than 200 kB. Make it smaller."))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    for magic, media_type in _LOGO_TYPES.items():
        if data.startswith(magic):
            return media_type
    raise EmbedError(_l("The logo must be a PNG, JPEG or WebP image."))


def set_theme(region: Region, colour: str, logo: bytes | None, remove_logo: bool) -> RegionTheme:
    theme = theme_of(region) or RegionTheme(region_id=region.id)
    theme.colour = normalise_colour(colour)
    if logo:
        theme.logo_type = logo_type(logo)
        theme.logo = logo
        theme.logo_sha256 = hashlib.sha256(logo).hexdigest()
    elif remove_logo:
        theme.logo = theme.logo_type = theme.logo_sha256 = None
    db.session.add(theme)
    db.session.flush()
    return theme
