"""KICK Forms: public consultation between Swedish regions and cultural organisations."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, current_app, g, has_request_context, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

from kick_forms import (
    cli,
    compression,
    embed,
    errors,
    form_markup,
    incoming,
    ops,
    page_cache,
    security,
    templating,
    urls,
)
from kick_forms import config as config_module
from kick_forms.accessibility import bp as accessibility_bp
from kick_forms.alliances import bp as alliances_bp
from kick_forms.alliances import staff_bp as alliances_staff_bp
from kick_forms.api import bp as api_bp
from kick_forms.auth import bp as auth_bp
from kick_forms.auth.services import SESSION_KEY, session_user
from kick_forms.board import bp as board_bp
from kick_forms.consultations import bp as consultations_bp
from kick_forms.consultations import documents_bp
from kick_forms.dialogue.views import bp as dialogue_bp
from kick_forms.errors import unauthorised
from kick_forms.extensions import (
    babel,
    configure_sqlite,
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
    sqlite_begin,
)
from kick_forms.help import bp as help_bp
from kick_forms.invitations import bp as invitations_bp
from kick_forms.method import bp as method_bp
from kick_forms.method import staff_bp as method_staff_bp
from kick_forms.news import bp as news_bp
from kick_forms.news import staff_bp as news_staff_bp
from kick_forms.ops.views import bp as ops_bp
from kick_forms.organisations import bp as organisations_bp
from kick_forms.privacy.views import bp as privacy_bp
from kick_forms.records import views as records
from kick_forms.regions import bp as regions_bp
from kick_forms.registration import bp as registration_bp
from kick_forms.registration import staff_bp as registration_staff_bp
from kick_forms.responses import bp as responses_bp
from kick_forms.review.views import bp as review_bp
from kick_forms.sso import bp as sso_bp
from kick_forms.staff import bp as staff_bp
from kick_forms.studyguide import bp as studyguide_bp
from kick_forms.twofactor import bp as twofactor_bp

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(config_module.PROJECT_ROOT / "templates"),
        static_folder=str(config_module.PROJECT_ROOT / "static"),
    )
    app.config.update(config_module.defaults(app.instance_path))
    app.config.update(config_module.from_environment(os.environ))
    app.config.update(overrides or {})
    config_module.finalise(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    _trust_proxies(app)
    app.request_class = incoming.CleanRequest
    compression.init_app(app)  # first, so that it compresses what every other hook left
    form_markup.install()
    urls.init_app(app)  # its URL converters, before the blueprints add their rules

    _init_extensions(app)
    page_cache.init_app(app)
    _register_blueprints(app)

    ops.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind KICK_PROXY_FIX reverse proxies, take the client's address and scheme from them.

    Rate limits count per client address, so behind nginx this must be on; the Host header
    is the proxy's to set (X-Forwarded-Host is not trusted).
    """
    hops = app.config["PROXY_FIX"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def _select_locale() -> str:
    languages = current_languages()
    if not has_request_context():
        return languages[0]  # commands and workers speak the default language
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        return chosen
    stored = session.get("lang")
    return stored if stored in languages else languages[0]


def current_languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(config_module.PROJECT_ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.unauthorized_handler(unauthorised)
    login_manager.session_protection = "strong"

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)

    @app.before_request
    def _choose_sqlite_begin() -> None:
        mode = "DEFERRED" if request.method in SAFE_METHODS else "IMMEDIATE"
        g.sqlite_begin_token = sqlite_begin.set(mode)

    @app.teardown_request
    def _restore_sqlite_begin(_error: BaseException | None) -> None:
        token = g.pop("sqlite_begin_token", None)
        if token is not None:
            sqlite_begin.reset(token)

    @login_manager.user_loader
    def _load_user(user_id: str):  # type: ignore[no-untyped-def]
        """The user of a live server-side session: logout, a new password or deactivation end
        it, whatever copies of the cookie exist."""
        if not user_id.isdigit() or len(user_id) > 18:
            return None
        lifetime = app.permanent_session_lifetime
        return session_user(int(user_id), session.get(SESSION_KEY), lifetime)


def _register_blueprints(app: Flask) -> None:

    # The answering flow works without cookies; see kick_forms/responses/views.py.
    csrf.exempt(responses_bp)
    app.register_blueprint(regions_bp)
    app.register_blueprint(responses_bp)
    embed.init_app(app)
    app.register_blueprint(board_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(consultations_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(accessibility_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(registration_staff_bp)
    app.register_blueprint(invitations_bp)
    app.register_blueprint(method_bp)
    app.register_blueprint(method_staff_bp)
    app.register_blueprint(dialogue_bp)
    app.register_blueprint(alliances_bp)
    app.register_blueprint(alliances_staff_bp)
    app.register_blueprint(news_bp)
    app.register_blueprint(news_staff_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(studyguide_bp)
    app.register_blueprint(help_bp)
    app.register_blueprint(sso_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(twofactor_bp)
    records.init_app(app)  # its routes, and the registrar's mail's PDF
    app.register_blueprint(review_bp)
    # Probes and scrapers ask often, from a few addresses.
    limiter.exempt(ops_bp)
    app.register_blueprint(ops_bp)
