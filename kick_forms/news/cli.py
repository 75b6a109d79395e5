"""``flask kick digest``: the followers' e-mail digests, for cron or a systemd timer."""

from __future__ import annotations

import click

from kick_forms.cli import kick
from kick_forms.news.following import send_digests
from kick_forms.timeutil import utcnow


@kick.command("digest")
def digest() -> None:
    """Queue the digests of those who follow regions or KICK's news by e-mail. Run it daily, or
    more often, on one machine or several: nobody gets two digests in a day."""
    report = send_digests(utcnow())
    click.echo(
        f"Digests: {report.followers} followers, {report.mails} emails queued, "
        f"{report.nothing_new} with nothing new, {report.already_today} already sent today."
    )
