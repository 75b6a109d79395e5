"""Two-factor sign-in with an authenticator app (TOTP), recovery codes, and the regions' rules
for who must use it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets
from datetime import UTC

import pyotp
import segno
from sqlalchemy import or_, select, update

from kick_forms import audit
from kick_forms.auth.services import end_all_sessions
from kick_forms.extensions import db
from kick_forms.models import RecoveryCode, Region, RegionMembership, RegionSignIn, Role, User
from kick_forms.timeutil import utcnow

ISSUER = "KICK Forms"
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code is copied by hand from paper.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10


def second_factor_required(user: User) -> bool:
    """Whether a region's rule makes this person use a second factor.

    A region's rule applies through an active membership: "all staff" to every role, "admins"
    to its admins. A platform admin acts as an admin in every region, so any region's rule
    (for admins or for all) applies to them: the strictest region decides.
    """
    rules = select(RegionSignIn.region_id).where(
        or_(RegionSignIn.two_factor_for_all, RegionSignIn.two_factor_for_admins)
    )
    if user.is_platform_admin:
        return db.session.scalars(rules.limit(1)).first() is not None
    found = db.session.scalars(
        select(RegionSignIn.region_id)
        .join(RegionMembership, RegionMembership.region_id == RegionSignIn.region_id)
        .where(
            RegionMembership.user_id == user.id,
            RegionMembership.deactivated_at.is_(None),
            or_(
                RegionSignIn.two_factor_for_all,
                RegionSignIn.two_factor_for_admins & (RegionMembership.role == Role.ADMIN.value),
            ),
        )
        .limit(1)
    ).first()
    return found is not None


def second_factor_needed(user: User) -> bool:
    """Whether a password alone must not sign this person in: their own choice or a rule."""
    return user.totp_confirmed_at is not None or second_factor_required(user)


def has_second_factor(user: User) -> bool:
    return user.totp_confirmed_at is not None


def start_enrolment(user: User) -> str:
    """The secret the person adds to their app; kept until confirmed, so a reload shows the
    same one."""
    if user.totp_confirmed_at is None and not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        db.session.flush()
    return user.totp_secret or ""


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret or "").provisioning_uri(name=user.email, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(uri: str) -> str:
    """The otpauth URI as a QR code: an SVG drawn here, as a data: URI for an <img>."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(
        buffer, kind="svg", scale=5, border=4, dark="#000", light="#fff", xmldecl=False
    )
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def code_is_valid(user: User, code: str) -> bool:
    """A current code from the person's app (one step of clock drift either way), used up by
    this check: the same code, or an older one, does not work a second time. One UPDATE
    spends it, so two requests racing with the same code cannot both pass."""
    code = _clean(code)
    if not user.totp_secret or not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = utcnow().replace(tzinfo=UTC)
    step = totp.timecode(now)
    matching = [
        step + drift
        for drift in (-1, 0, 1)
        if hmac.compare_digest(totp.generate_otp(step + drift), code)
    ]
    if not matching:
        return False
    spent = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < matching[-1]),
        )
        .values(totp_last_step=matching[-1])
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        return False
    user.totp_last_step = matching[-1]
    return True


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Turn two-factor on once a code proves the app has the secret; the new recovery codes,
    or None when the code is wrong."""
    if user.totp_confirmed_at is not None or not code_is_valid(user, code):
        return None
    user.totp_confirmed_at = utcnow()
    audit.record("twofactor.enable", f"user:{user.id}")
    return _new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Fresh recovery codes; the old ones stop working."""
    audit.record("twofactor.recovery_codes", f"user:{user.id}")
    return _new_recovery_codes(user)


def _hash_code(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(RecoveryCode.__table__.delete().where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_code(raw)))
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one recovery code; true only the first time (a single UPDATE, so two requests
    racing with the same code cannot both win)."""
    if len(_clean(code)) != _RECOVERY_LENGTH:
        return False
    result = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_code(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    return result.rowcount == 1


def second_step_passes(user: User, code: str) -> bool:
    """A code from the app, or else an unused recovery code."""
    return code_is_valid(user, code) or use_recovery_code(user, code)


def recovery_codes_left(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def _clear(user: User) -> None:
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    db.session.execute(RecoveryCode.__table__.delete().where(RecoveryCode.user_id == user.id))
    db.session.flush()


def disable(user: User) -> None:
    """The person turns two-factor off (after proving it is them)."""
    _clear(user)
    audit.record("twofactor.disable", f"user:{user.id}")


def reset(user: User) -> None:
    """A platform admin clears a person's second factor (a lost phone and lost codes); every
    session of theirs ends, so they sign in and enrol afresh."""
    _clear(user)
    end_all_sessions(user)
    audit.record("twofactor.reset", f"user:{user.id}")


def set_region_rules(region: Region, for_admins: bool, for_all: bool) -> RegionSignIn:
    """Who in the region must use a second factor; audited."""
    rules = RegionSignIn.of(region)
    rules.two_factor_for_admins = for_admins
    rules.two_factor_for_all = for_all
    audit.record("twofactor.region_rules", f"region:{region.id}", region,
                 f"admins={int(for_admins)} all={int(for_all)}")  # fmt: skip
    db.session.flush()
    return rules
