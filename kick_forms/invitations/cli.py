"""``flask kick remind``: reminders before consultations close, for cron or a systemd timer."""

from __future__ import annotations

import click
from flask import current_app

from kick_forms.cli import kick
from kick_forms.invitations.services import reminder_points, send_reminders
from kick_forms.timeutil import utcnow


@kick.command("remind")
@click.option(
    "--days",
    help="Days before closing to remind at, e.g. 7,1 (default: the REMINDER_DAYS setting).",
)
def remind(days: str | None) -> None:
    """Remind invited organisations that have not submitted an answer. Run it daily or more
    often: nobody gets two reminders a day, nor two at the same point before closing."""
    try:
        points = reminder_points(days or current_app.config["REMINDER_DAYS"])
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--days") from error
    report = send_reminders(utcnow(), points)
    click.echo(
        f"Reminders: {report.organisations} organisations, {report.mails} emails queued, "
        f"{report.already_today} already reminded today."
    )
