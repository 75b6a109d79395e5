"""Flask commands for operators: ``flask kick <command>``."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from kick_forms.auth import services as auth
from kick_forms.consultations.kick_templates import load_shipped_templates
from kick_forms.extensions import db

kick = AppGroup("kick", help="KICK Forms administration.")


@kick.command("load-reference")
def load_reference() -> None:
    """Load or update regions, municipalities, culture areas, categories, alliances, the Code."""
    from kick_forms.reference import load_reference_data

    changes = load_reference_data()
    # KICK's consultation templates; one a platform admin has changed is left as it is.
    changes["templates"] = load_shipped_templates()
    db.session.commit()
    summary = ", ".join(f"{name} {count}" for name, count in changes.items())
    click.echo(f"Reference data loaded (rows added or changed: {summary}).")


@kick.command("load-demo")
@click.option("--with-answers", is_flag=True, help="Also let a few organisations answer.")
def load_demo(with_answers: bool) -> None:
    """Create demo accounts and a demo consultation (never in production)."""
    from kick_forms.demo import load_demo_data

    if current_app.config["ENV"] == "production":
        raise click.ClickException("Demo data is not loaded in production.")
    logins = load_demo_data(with_answers=with_answers)
    db.session.commit()
    click.echo("Demo logins (email / password):")
    for email, password in logins:
        click.echo(f"  {email} / {password}")


@kick.command("recount-board")
@click.option("--consultation", "consultation_id", type=int, help="Only this consultation (id).")
@click.option("--check", is_flag=True, help="Only report counters that differ; change nothing.")
def recount_board(consultation_id: int | None, check: bool) -> None:
    """Count the boards afresh from the submitted answers (or check the kept counters)."""
    from kick_forms import tally
    from kick_forms.models import Consultation

    query = select(Consultation.id).order_by(Consultation.id)
    if consultation_id is not None:
        query = query.where(Consultation.id == consultation_id)
    ids = db.session.scalars(query).all()
    if not ids:
        raise click.ClickException("No such consultation.")
    connection = db.session.connection()
    differing = 0
    for each in ids:
        kept = tally.counters(connection, each)
        tally.recount(connection, each)
        fresh = tally.counters(connection, each)
        wrong = {key for key in kept.keys() | fresh.keys() if kept.get(key) != fresh.get(key)}
        differing += bool(wrong)
        if wrong:
            click.echo(f"Consultation {each}: {len(wrong)} counters differed from a fresh count.")
    if check:
        db.session.rollback()
        click.echo(f"Checked {len(ids)} consultations; {differing} had counters to correct.")
        if differing:
            sys.exit(1)
        return
    db.session.commit()
    click.echo(f"Recounted {len(ids)} consultations; {differing} had counters corrected.")


@kick.command("create-admin")
@click.option("--email", required=True, help="The staff member's email address.")
@click.option("--name", default="", help="Their name, as shown to colleagues.")
@click.option("--region", "region_slug", help="Region slug, e.g. kronoberg.")
@click.option(
    "--role", type=click.Choice(["admin", "editor", "viewer"]), default="admin", show_default=True
)
@click.option("--platform", is_flag=True, help="Platform admin: sees and manages every region.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_admin(
    email: str, name: str, region_slug: str | None, role: str, platform: bool, password_stdin: bool
) -> None:
    """Create a staff account, or give an existing one a role in a region."""
    from kick_forms.auth.services import PASSWORD_MIN_LENGTH, create_user, find_user, grant_role
    from kick_forms.models import Region, Role

    if not region_slug and not platform:
        raise click.UsageError("Give --region <slug> or --platform.")
    region = None
    if region_slug:
        region = db.session.scalars(select(Region).filter_by(slug=region_slug)).one_or_none()
        if region is None:
            raise click.BadParameter(f"no region with slug {region_slug!r}", param_hint="--region")
    user = find_user(email)
    if user is None:
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        if len(password) < PASSWORD_MIN_LENGTH:
            raise click.ClickException(
                f"The password must be at least {PASSWORD_MIN_LENGTH} characters."
            )
        try:
            user = create_user(email, password, name=name, platform_admin=platform)
        except ValueError as error:  # a password the rules refuse: say which rule
            raise click.ClickException(str(error)) from error
        click.echo(f"Created account {user.email}.")
    elif platform:
        user.is_platform_admin = True
    if region is not None:
        grant_role(user, region, Role(role))
        click.echo(f"{user.email} is {role} in {region.name}.")
    if platform:
        click.echo(f"{user.email} is a platform admin.")
    db.session.commit()


def _staff_member(email: str):  # type: ignore[no-untyped-def]
    user = auth.find_user(email)
    if user is None:
        raise click.BadParameter(
            f"no staff account with the address {email!r}", param_hint="--email"
        )
    return user


@kick.command("set-password")
@click.option("--email", required=True, help="The staff member's email address.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password(email: str, password_stdin: bool) -> None:
    """Give a staff account a new password; every session it has ends."""
    user = _staff_member(email)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        auth.set_password(user, password)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"New password for {user.email}; its sessions are ended.")


@kick.command("deactivate")
@click.option("--email", required=True, help="The staff member's email address.")
@click.option("--reactivate", is_flag=True, help="Let the account log in again.")
def deactivate(email: str, reactivate: bool) -> None:
    """Stop a staff account from logging in, ending its sessions at once (or let it again)."""
    user = _staff_member(email)
    auth.set_active(user, reactivate)
    db.session.commit()
    state = "active again" if reactivate else "deactivated; its sessions are ended"
    click.echo(f"{user.email} is {state}.")


def init_app(app: Flask) -> None:
    from kick_forms.backup import cli as _backup_cli  # noqa: F401  `flask kick backup`, `restore`
    from kick_forms.invitations import cli as _invitations_cli  # noqa: F401  `flask kick remind`
    from kick_forms.mail import cli as _mail_cli  # noqa: F401  adds `flask kick outbox`
    from kick_forms.news import cli as _news_cli  # noqa: F401  adds `flask kick digest`
    from kick_forms.privacy import cli as _privacy_cli  # noqa: F401  adds `flask kick purge`

    app.cli.add_command(kick)
