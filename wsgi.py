"""Entry point for gunicorn: ``gunicorn -c gunicorn.conf.py wsgi:app``."""

from kick_forms import create_app

app = create_app()
