from __future__ import annotations

from collections.abc import Iterator

import pytest

from kick_forms.extensions import db
from kick_forms.models import RegionSignIn
from kick_forms.sso import services
from kick_forms.urls import public_url_for
from tests.conftest import region
from tests.sso.provider import Provider


@pytest.fixture
def provider(app) -> Iterator[Provider]:
    """A provider of its own for each test, knowing our callback for Kronoberg."""
    provider = Provider()
    provider.client.redirect_uris = [public_url_for("sso.callback", region_slug="kronoberg")]
    provider.start()
    services._discovery_cache.clear()
    yield provider
    provider.stop()
    services._discovery_cache.clear()


def configure_region(provider: Provider, slug: str = "kronoberg", required: bool = False) -> None:
    """Kronoberg signs in through the provider, as a platform admin would have saved it."""
    db.session.add(
        RegionSignIn(
            region_id=region(slug).id,
            oidc_issuer=provider.issuer,
            oidc_client_id=provider.client.client_id,
            oidc_client_secret=provider.client.client_secret,
            sso_required=required,
        )
    )
    db.session.commit()
