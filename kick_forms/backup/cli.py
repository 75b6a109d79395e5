"""``flask kick backup`` and ``flask kick restore``: the whole database to a file and back."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from kick_forms.backup import services
from kick_forms.cli import kick
from kick_forms.extensions import db
from kick_forms.timeutil import utcnow


def _database_url() -> str:
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


def _backup_dir() -> Path:
    configured = current_app.config.get("BACKUP_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "backups"


def _size(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    value, unit = size / 1000, "kB"
    for larger in ("MB", "GB"):
        if value < 1000:
            break
        value, unit = value / 1000, larger
    return f"{value:.1f} {unit}"


def _fail(exc: services.BackupError) -> click.ClickException:
    return click.ClickException(services.redact(str(exc), _database_url()))


@kick.command("backup")
@click.option(
    "--to",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for the backup (default: KICK_BACKUP_DIR, else instance/backups).",
)
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    help="Keep only the newest N backups in the directory; delete older ones.",
)
def backup_command(directory: Path | None, keep: int | None) -> None:
    """Write a consistent, checked backup of the whole database (safe while the app runs)."""
    directory = directory or _backup_dir()
    try:
        result = services.make_backup(_database_url(), directory, utcnow())
    except services.BackupError as exc:
        raise _fail(exc) from None
    click.echo(f"Backup written: {result.path} ({_size(result.size)}); check: {result.check}.")
    if keep is not None:
        for removed in services.prune(directory, keep):
            click.echo(f"Deleted old backup {removed}.")


@kick.command("verify-backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def verify_backup_command(file: Path) -> None:
    """Check that a backup file is whole and readable, without touching the database."""
    try:
        check = services.verify_backup(_database_url(), file)
    except services.BackupError as exc:
        raise _fail(exc) from None
    click.echo(f"{file}: {check}.")


@kick.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Really replace the database with the backup.")
def restore_command(file: Path, yes: bool) -> None:
    """Replace the whole database with a backup, after backing up what is there now.

    Stop the app servers and the outbox worker first.
    """
    url = _database_url()
    try:
        check = services.verify_backup(url, file)
        click.echo(f"{file}: {check}.")
        if not yes:
            raise click.ClickException(
                "This replaces everything in the database with the backup. "
                "Stop the app servers, then run the command again with --yes."
            )
        db.session.remove()
        db.engine.dispose()
        if services.has_data(url):
            safety = services.make_backup(
                url, _backup_dir(), utcnow(), label=services.BEFORE_RESTORE
            )
            click.echo(f"The database as it was is backed up to {safety.path}.")
        else:
            click.echo("The database has no tables yet: there is nothing to back up first.")
        services.restore_backup(url, file)
    except services.BackupError as exc:
        raise _fail(exc) from None
    click.echo(f"Restored {file}.")
    _report_revision(url)


def _report_revision(url: str) -> None:
    revision = services.database_revision(url)
    heads = services.code_revisions(current_app.extensions["migrate"].directory)
    if revision in heads:
        click.echo(f"The database is at migration {revision}, as the code expects.")
    else:
        click.echo(
            f"The database is at migration {revision or 'none'}; the code expects "
            f"{', '.join(heads)}. Run `flask db upgrade` before starting the app servers."
        )
