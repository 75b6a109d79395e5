"""Signing in through a region's own identity provider (OpenID Connect).

One client per region: its issuer, client id and secret live in ``RegionSignIn``. The
authorization code flow carries PKCE (S256), a state and a nonce; the ID token is checked
against the provider's published keys, its issuer, our client id, its lifetime and the nonce we
sent. A person is matched by a verified e-mail address to an existing account with an active
role in the region; signing in never creates an account.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select

from kick_forms import audit
from kick_forms.auth.services import find_user
from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.models import Region, RegionSignIn, User

SCOPE = "openid email profile"
TIMEOUT = 10  # seconds for each request to the provider
DISCOVERY_TTL = 300  # seconds a provider's discovery document is kept
CLOCK_LEEWAY = 60  # seconds of clock difference tolerated in exp and iat
# Asymmetric signatures only: a symmetric one would be checked with the client secret, and
# "none" is no signature at all.
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

_discovery_cache: dict[str, tuple[float, dict[str, Any]]] = {}


class SsoError(Exception):
    """Signing in through the provider failed; the message is for the person, in their
    language, and names no secret."""


@dataclass
class Authorization:
    """Where to send the person, and what to remember until they come back."""

    url: str
    state: str
    nonce: str
    code_verifier: str


def region_sign_in(region: Region) -> RegionSignIn | None:
    return db.session.get(RegionSignIn, region.id)


def is_configured(settings: RegionSignIn | None) -> bool:
    return bool(
        settings
        and settings.oidc_issuer
        and settings.oidc_client_id
        and settings.oidc_client_secret
    )


def sso_regions() -> list[Region]:
    """The regions whose staff can sign in through their own provider, by name."""
    return list(
        db.session.scalars(
            select(Region)
            .join(RegionSignIn, RegionSignIn.region_id == Region.id)
            .where(
                RegionSignIn.oidc_issuer.is_not(None),
                RegionSignIn.oidc_client_id.is_not(None),
                RegionSignIn.oidc_client_secret.is_not(None),
            )
            .order_by(Region.name)
        )
    )


def issuer_error(issuer: str) -> str | None:
    """Why an issuer URL cannot be used, or None: https, or plain http on this machine only
    (for tests and development)."""
    parts = urlsplit(issuer)
    if not parts.hostname or parts.query or parts.fragment or parts.username:
        return _("Enter the issuer's address, for example https://login.example.se/region.")
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
        return None
    return _("The issuer's address must start with https://.")


def fetch_discovery(issuer: str, use_cache: bool = True) -> dict[str, Any]:
    """The provider's discovery document, checked to name this issuer and the endpoints the
    flow needs; kept a few minutes."""
    now = time.monotonic()
    cached = _discovery_cache.get(issuer)
    if use_cache and cached and now - cached[0] < DISCOVERY_TTL:
        return cached[1]
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        reply = requests.get(url, timeout=TIMEOUT, allow_redirects=False)
        reply.raise_for_status()
        document = reply.json()
    except (requests.RequestException, ValueError) as error:
        raise SsoError(
            _("The provider's configuration at %(url)s could not be read (%(reason)s).",
              url=url, reason=type(error).__name__)
        ) from error  # fmt: skip
    if not isinstance(document, dict):
        raise SsoError(_("The provider's configuration at %(url)s is not valid.", url=url))
    if document.get("issuer") != issuer:
        raise SsoError(
            _("The provider names its issuer %(found)s, not %(issuer)s.",
              found=str(document.get("issuer"))[:200], issuer=issuer)
        )  # fmt: skip
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(document.get(name), str) or issuer_error(document[name]):
            raise SsoError(_("The provider's configuration lacks a usable %(name)s.", name=name))
    _discovery_cache[issuer] = (now, document)
    return document


def configure(
    region: Region,
    issuer: str,
    client_id: str,
    client_secret: str,
    sso_required: bool,
) -> RegionSignIn:
    """Save a region's provider after reading its discovery document; a blank secret keeps
    the stored one, and everything blank turns signing in through the region off."""
    settings = RegionSignIn.of(region)
    if issuer or client_id:
        fetch_discovery(issuer, use_cache=False)
        settings.oidc_issuer = issuer
        settings.oidc_client_id = client_id
        if client_secret:
            settings.oidc_client_secret = client_secret
        settings.sso_required = sso_required
    else:
        settings.oidc_issuer = settings.oidc_client_id = settings.oidc_client_secret = None
        settings.sso_required = False
    db.session.flush()
    audit.record(
        "sso.configure",
        subject=f"region:{region.id}",
        region=region,
        detail="on, required" if settings.sso_required else ("on" if issuer else "off"),
    )
    return settings


def _session(settings: RegionSignIn, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        settings.oidc_client_id,
        settings.oidc_client_secret,
        scope=SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )


def start_authorization(settings: RegionSignIn, redirect_uri: str) -> Authorization:
    """The provider's address that starts the authorization code flow with PKCE."""
    metadata = fetch_discovery(settings.oidc_issuer or "")
    verifier = generate_token(64)
    nonce = generate_token(32)
    with _session(settings, redirect_uri) as client:
        url, state = client.create_authorization_url(
            metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
        )
    return Authorization(url=url, state=state, nonce=nonce, code_verifier=verifier)


def finish_authorization(
    settings: RegionSignIn, redirect_uri: str, code: str, code_verifier: str, nonce: str
) -> dict[str, Any]:
    """Exchange the code and return the ID token's claims once every check has passed."""
    issuer = settings.oidc_issuer or ""
    metadata = fetch_discovery(issuer)
    try:
        with _session(settings, redirect_uri) as client:
            token = client.fetch_token(
                metadata["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                code_verifier=code_verifier,
                timeout=TIMEOUT,
            )
        keys = requests.get(metadata["jwks_uri"], timeout=TIMEOUT, allow_redirects=False)
        keys.raise_for_status()
        key_set = KeySet.import_key_set(keys.json())
    except (OAuthError, requests.RequestException, ValueError, JoseError) as error:
        raise SsoError(_("The region's sign-in service did not answer as expected.")) from error
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SsoError(_("The region's sign-in service sent no identity."))
    return verify_id_token(id_token, key_set, issuer, settings.oidc_client_id or "", nonce)


def verify_id_token(
    id_token: str, key_set: KeySet, issuer: str, client_id: str, nonce: str
) -> dict[str, Any]:
    """The claims of a signed ID token meant for us, now, in answer to our request."""
    claims_rules = jwt.JWTClaimsRegistry(
        leeway=CLOCK_LEEWAY,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        decoded = jwt.decode(id_token, key_set, algorithms=ID_TOKEN_ALGORITHMS)
        claims_rules.validate(decoded.claims)
    except (JoseError, ValueError) as error:
        raise SsoError(_("The identity from the region's sign-in service is not valid.")) from error
    claims = decoded.claims
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    # OpenID Connect Core 3.1.3.7: with several audiences the authorised party must be us.
    if ("azp" in claims or len(audiences) > 1) and claims.get("azp") != client_id:
        raise SsoError(_("The identity from the region's sign-in service is not valid."))
    if int(claims["iat"]) > time.time() + CLOCK_LEEWAY:
        raise SsoError(_("The identity from the region's sign-in service is not valid."))
    return claims


def matching_user(region: Region, claims: dict[str, Any]) -> User:
    """The account the provider's verified e-mail address names, if it is active and has an
    active role in this region. Platform admins are matched only as the region's members."""
    email = claims.get("email")
    if not isinstance(email, str) or claims.get("email_verified") not in (True, "true"):
        raise SsoError(_("The region's sign-in service did not give a verified e-mail address."))
    user = find_user(email)
    if user is None or not user.active or not _member(user, region):
        raise SsoError(
            _("There is no staff account for this e-mail address in %(region)s. Ask an "
              "administrator of the region to invite you.", region=region.name)
        )  # fmt: skip
    return user


def _member(user: User, region: Region) -> bool:
    return any(m.region_id == region.id and m.deactivated_at is None for m in user.memberships)


def password_sign_in_refused(user: User) -> str | None:
    """Why this person may not sign in with a password, or None: every region they work in
    requires its own sign-in service (platform admins always may)."""
    if user.is_platform_admin:
        return None
    region_ids = [m.region_id for m in user.memberships if m.deactivated_at is None]
    if not region_ids:
        return None
    rows = db.session.scalars(
        select(RegionSignIn).where(RegionSignIn.region_id.in_(region_ids))
    ).all()
    required = [row for row in rows if row.sso_required and is_configured(row)]
    if len(required) < len(set(region_ids)):
        return None
    names = ", ".join(sorted(row.region.name for row in required))
    return _(
        "%(regions)s signs its staff in through the region's own account. Use \"Log in with "
        "the region's account\" below.",
        regions=names,
    )
