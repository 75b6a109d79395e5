"""The public list of the regional culture alliances, one row for every region."""

from __future__ import annotations

from flask import render_template

from kick_forms.alliances import bp
from kick_forms.alliances import interest as interests
from kick_forms.alliances import services as alliances
from kick_forms.models import CultureAlliance, Region
from kick_forms.urls import public_url_for


@bp.app_template_global()
def alliance_on_facebook(url: str) -> bool:
    """For the links to an alliance, wherever they are shown: say when they lead to Facebook."""
    return alliances.on_facebook(url)


@bp.app_template_global()
def alliances_of(region: Region) -> list[CultureAlliance]:
    """A region's alliances in alphabetical order, for the pages that invite to join them."""
    return alliances.sorted_alliances(region)


@bp.app_template_global()
def alliances_list_url() -> str:
    """The list's full address for mail, also when a command (the demo data) writes the mail."""
    return public_url_for("alliances.list_page")


@bp.app_template_global()
def alliance_interest_count(region: Region) -> int:
    """How many organisations want to help start the region's alliance (confirmed)."""
    return interests.counts().get(region.id, 0)


@bp.route("/allianser")
def list_page():
    regions = alliances.regions_with_alliances()
    return render_template(
        "alliances/list.html",
        regions=regions,
        with_alliance=sum(1 for region in regions if region.alliances),
        waiting=interests.counts(),
        ika_url=alliances.IKA_URL,
    )
