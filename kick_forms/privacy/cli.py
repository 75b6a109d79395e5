"""``flask kick purge``: delete personal data kept longer than it is needed."""

from __future__ import annotations

import click
from flask import current_app

from kick_forms.cli import kick
from kick_forms.extensions import db
from kick_forms.privacy.purge import purge
from kick_forms.timeutil import utcnow


@kick.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted; change nothing.")
def purge_command(dry_run: bool) -> None:
    """Delete contact persons of inactive organisations, abandoned imports and expired requests.

    Run it daily (cron or a systemd timer). An organisation is inactive when nothing has
    happened to it for KICK_CONTACT_RETENTION_DAYS.
    """
    days = current_app.config["CONTACT_RETENTION_DAYS"]
    report = purge(utcnow(), days, dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "would be deleted" if dry_run else "deleted"
    click.echo(
        f"Contact persons of organisations inactive for {days} days: {report.contacts} {verb} "
        f"({report.organisations} organisations)."
    )
    click.echo(f"Register imports not run within a day: {report.imports} {verb}.")
    click.echo(f"Drafts never sent, 30 days after closing: {report.drafts} {verb}.")
    click.echo(f"Unconfirmed registration requests past their expiry: {report.requests} {verb}.")
    click.echo(
        f"Wishes to start an alliance, unconfirmed or told {days} days ago: {report.interests} "
        f"{verb}."
    )
    click.echo(f"Addresses that asked to follow the news, unconfirmed: {report.followers} {verb}.")
    cleared = "would be cleared" if dry_run else "cleared"
    click.echo(
        f"Decided registration requests with contact details: {report.requests_cleared} {cleared}."
    )
