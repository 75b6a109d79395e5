"""Every route of the app against every kind of visitor, from the URL map.

``EXPECTED`` says, for each endpoint, what each role gets. A route whose endpoint has no entry
fails ``test_every_endpoint_has_a_rule``, so a new route cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from werkzeug.routing import Rule

from kick_forms.models import Role
from kick_forms.tokens import new_token
from tests.consultations.test_authorisation import _form_data
from tests.routes import (
    Links,
    all_rules,
    consultation_for,
    fill,
    other_region,
    route_methods,
    snapshot,
    staff,
    visitor,
)

ROLES = ("anonymous", "link", "viewer", "editor", "admin", "other", "platform")
OK, LOGIN = "ok", "login"  # ok: 2xx or 3xx (not to login), or 409/422: reached the view

# The outcome for each role, in the order of ROLES.
PUBLIC = (OK,) * 7
PRIVATE_LINK = (404, OK, 404, 404, 404, 404, 404)  # only whoever holds the link
STAFF_READ = (LOGIN, LOGIN, OK, OK, OK, 404, OK)
STAFF_WRITE = (LOGIN, LOGIN, 403, OK, OK, 404, OK)
REGION_ADMIN = (LOGIN, LOGIN, 403, 403, OK, 404, OK)
PLATFORM = (LOGIN, LOGIN, 403, 403, 403, 403, OK)
ANY_STAFF = (LOGIN, LOGIN, OK, OK, OK, OK, OK)  # pages that show each user their own regions

EXPECTED: dict[str, tuple | dict[str, tuple]] = {
    # Public pages and forms: anyone, logged in or not.
    **dict.fromkeys(
        [
            "accessibility.report_sent", "accessibility.statement",
            "alliances.list_page", "alliances.interest_form", "alliances.interest_sent",
            "alliances.interest_confirmed", "api.consultations", "api.openapi", "api.regions",
            "auth.login", "auth.logout", "board.overview", "embed.form", "embed.resume",
            "embed.start", "embed.theme_css", "method.manual", "method.checklist",
            "method.about_code", "method.print_version", "method.manual_pdf", "help.index",
            "help.page", "ops.healthz", "ops.readyz",
            "privacy.notice", "documents.download",
            # The plan's text: tests/routes.py gives the consultation one for any "/plan" route.
            "regions.plan_page",
            "regions.consultation_page", "regions.home", "regions.region_page",
            "registration.confirmed", "registration.request_form", "registration.request_sent",
            "responses.resume", "responses.start", "static", "favicon", "studyguide.index",
            "studyguide.leader_guide", "studyguide.print_version", "studyguide.session",
            "news.list_page", "news.region_list", "news.item_page", "news.feed",
            "news.region_feed", "news.region_calendar", "news.follow", "news.follow_sent",
            "news.follow_confirmed", "news.embedded",
        ],
        PUBLIC,
    ),
    # Public only once there is something to show: a published summary, a logo, a survey for
    # a submitted response, a submitted version, a published file. The matrix's objects have
    # none, so every role gets 404 (their own tests cover the positive case).
    **dict.fromkeys(
        [
            "api.summary", "board.board_attachment", "dialogue.organisation_survey",
            "embed.confirmation", "embed.logo", "responses.confirmation",
            # Metrics are off unless KICK_METRICS_ENABLED (tests/ops covers them on).
            "ops.prometheus",
        ],
        (404,) * 7,
    ),
    # The board of a consultation that is not public yet: the region's staff only.
    **dict.fromkeys(
        ["board.board_page", "board.board_pdf", "board.board_print"],
        (404, 404, OK, OK, OK, 404, OK),
    ),
    # Private links: a response, an invitation, an unsubscribe link, a request to be listed.
    **dict.fromkeys(
        [
            f"{blueprint}.{name}"
            for blueprint in ("responses", "embed")
            for name in (
                "about", "attachment_add", "attachment_delete", "attachment_download",
                "autosave", "check", "invited", "overview", "section", "shown", "validate",
                "withdraw", "plan", "plan_comment", "plan_comment_shown",
            )
        ]
        + ["invitations.unsubscribe", "registration.confirm", "alliances.interest_confirm",
           "news.follow_confirm", "news.unsubscribe"],
        PRIVATE_LINK,
    ),
    # Submitting needs the nonce of the check page: the link holder's empty form is refused.
    **dict.fromkeys(["responses.submit", "embed.submit"], (404, 400, 404, 404, 404, 404, 404)),
    "consultations.dashboard": ANY_STAFF,
    # The plan's text: staff read it, editors replace or delete it (409 once opened).
    "consultations.plan_text_page": {"GET": STAFF_READ, "POST": STAFF_WRITE},
    "consultations.plan_text_delete": STAFF_WRITE,
    # An invited colleague's welcome link: without a live invitation it is a 404 page (its
    # own tests in tests/staff cover a live one).
    "staff.welcome": (404,) * 7,
    # Two-factor sign-in: each person's own settings, and the second step of signing in (to
    # the login page without a half-done sign-in, to the dashboard when already in).
    **dict.fromkeys(
        ["twofactor.settings", "twofactor.disable", "twofactor.recovery_codes",
         "twofactor.challenge"],
        ANY_STAFF,
    ),
    # A region's sign-in rules: its staff read them, its admins change them.
    "twofactor.region_sign_in": {"GET": STAFF_READ, "POST": REGION_ADMIN},
    # Clearing a person's second factor (a lost phone): platform admins only.
    "twofactor.reset": PLATFORM,
    # Signing in through the region's own provider: Kronoberg has no provider in the matrix,
    # so its sign-in routes are 404 (tests/sso covers them).
    **dict.fromkeys(["sso.start", "sso.callback"], (404,) * 7),
    # The region's provider: its admins see it, a platform admin sets it.
    "sso.settings": {"GET": REGION_ADMIN, "POST": (LOGIN, LOGIN, 403, 403, 403, 404, OK)},
    # A person's own account: password and sessions.
    **dict.fromkeys(
        ["auth.account_page", "auth.change_password", "auth.sessions_page", "auth.session_end"],
        ANY_STAFF,
    ),
    # Ends every session of the person, this one too: everyone ends at the login page.
    "auth.sessions_end_all": (LOGIN,) * 7,
    # A forgotten password: anyone may ask; a reset link that is not live is a 404 page.
    "auth.password_forgot": PUBLIC,
    "auth.password_reset": (404,) * 7,
    # The region's staff pages: everyone with a role reads, editors write.
    **dict.fromkeys(
        [
            "consultations.builder", "consultations.consultation_list",
            "consultations.consultation_preview", "consultations.embed_page",
            "consultations.export_attachments", "consultations.export_csv",
            "consultations.export_xlsx", "consultations.feedback_page",
            "consultations.question_show", "consultations.response_attachment",
            "consultations.response_detail", "consultations.response_list",
            "consultations.response_versions",
            "consultations.section_show", "dialogue.meeting_minutes", "dialogue.method_page",
            "invitations.invitations_page", "organisations.mapping_report",
            "organisations.organisation_page", "organisations.register_export",
            "organisations.register_page", "privacy.audit_page", "registration_staff.requests_page",
            "review.queue_page", "consultations.plan_comments_page",
            "consultations.export_comments_csv",
        ],
        STAFF_READ,
    ),
    **dict.fromkeys(
        [
            "consultations.consultation_close",
            "consultations.consultation_new", "consultations.consultation_settings",
            "consultations.consultation_copy", "consultations.consultation_delete",
            "consultations.consultation_start",
            "consultations.consultation_status", "consultations.feedback_publish",
            "consultations.feedback_save", "consultations.question_delete",
            "consultations.question_duplicate", "consultations.question_edit",
            "consultations.question_move", "consultations.question_new",
            "consultations.response_enter",
            "consultations.section_delete", "consultations.section_duplicate",
            "consultations.section_edit", "consultations.section_move",
            "consultations.section_new", "dialogue.meeting_add", "dialogue.meeting_delete",
            "dialogue.staff_survey", "dialogue.tick", "invitations.invite",
            "organisations.contact_add", "organisations.contact_erase", "organisations.notes_save",
            "organisations.import_check", "organisations.import_run",
            "organisations.import_upload", "organisations.organisation_edit",
            "organisations.organisation_new", "privacy.contact_export",
            "registration_staff.approve", "registration_staff.merge",
            "registration_staff.reject", "review.decide_answer", "review.decide_statement",
            "review.decide_comment", "consultations.chapter_feedback_save",
        ],
        STAFF_WRITE,
    ),
    # The records of sent answers: the region's staff download them. The archive package names
    # every contact person, so it is for editors; before the results are published it is 409.
    **dict.fromkeys(
        ["records.answer_pdf", "records.answers_zip", "records.incoming_list"], STAFF_READ
    ),
    "records.archive_package": STAFF_WRITE,
    # A consultation's documents: its staff read the list, editors attach, move and remove.
    "consultations.documents_page": {"GET": STAFF_READ, "POST": STAFF_WRITE},
    **dict.fromkeys(["consultations.document_move", "consultations.document_delete"], STAFF_WRITE),
    # Which websites may frame the region's forms, and how they look: the region's admins.
    **dict.fromkeys(
        [
            "consultations.embed_origin_add", "consultations.embed_origin_remove",
            "consultations.embed_theme",
            # Colleagues: who works in the region, with what role.
            "staff.region_staff", "staff.invite", "staff.role", "staff.deactivate",
            "staff.reactivate", "staff.sign_out",
        ],
        REGION_ADMIN,
    ),
    # Saving a consultation as one of KICK's templates: platform admins, on a region's page.
    "consultations.consultation_save_as_template": (LOGIN, LOGIN, 403, 403, 403, 404, OK),
    # KICK's own reference pages: the alliances and the examples in the Code's matrix.
    **dict.fromkeys(
        [
            "alliances_staff.staff_list", "alliances_staff.alliance_new",
            "alliances_staff.interest_list", "alliances_staff.interest_export",
            "alliances_staff.alliance_start",
            "alliances_staff.alliance_edit", "alliances_staff.alliance_delete",
            "method_staff.index", "method_staff.cell", "method_staff.edit",
            "method_staff.delete", "method_staff.move", "privacy.platform_audit_page",
            "consultations.template_list", "consultations.template_edit",
            "staff.accounts", "staff.platform_grant", "staff.platform_revoke",
            "staff.account_deactivate", "staff.account_reactivate", "staff.account_sign_out",
        ],
        PLATFORM,
    ),
    # News: KICK's national news under /admin/nytt, the region's editors' under /admin/r/.
    "news_staff.news_list": {"/admin": PLATFORM, "/admin/r/": STAFF_READ},
    **dict.fromkeys(
        ["news_staff.news_new", "news_staff.news_edit", "news_staff.news_delete"],
        {"/admin": PLATFORM, "/admin/r/": STAFF_WRITE},
    ),
}  # fmt: skip

CASES = [
    pytest.param(rule, method, id=f"{method} {rule.rule}")
    for rule in all_rules()
    for method in route_methods(rule)
]
FLOOR = 1100  # routes x roles; well below today's count, so only a lost route trips it
checked: list[tuple[str, str, str]] = []


def _outcome(response) -> str | int:  # type: ignore[no-untyped-def]
    code = response.status_code
    if code in (302, 303) and response.headers["Location"].startswith("/admin/login"):
        return LOGIN
    return OK if code < 400 or code in (409, 422) else code


def _expected(rule: Rule, method: str) -> tuple:
    """The outcomes for this rule: its endpoint's, by method, or by the longest prefix of its
    path that the entry names (one view serving KICK's pages and a region's)."""
    expected = EXPECTED[rule.endpoint]
    if not isinstance(expected, dict):
        return expected
    if method in expected:
        return expected[method]
    prefixes = [prefix for prefix in expected if rule.rule.startswith(prefix)]
    return expected[max(prefixes, key=len)]


@pytest.fixture(scope="module", autouse=True)
def summary() -> Iterator[None]:
    yield
    print(
        f"\nroute matrix: {len(CASES)} routes x {len(ROLES)} roles = "
        f"{len(CASES) * len(ROLES)} cases ({len(checked)} checked)"
    )


def test_every_endpoint_has_a_rule():
    endpoints = {param.values[0].endpoint for param in CASES}
    missing = sorted(endpoints - EXPECTED.keys())
    assert not missing, (
        "These endpoints have no rule in tests/test_route_matrix.py EXPECTED; say who may "
        "reach them: " + ", ".join(missing)
    )
    assert not EXPECTED.keys() - endpoints, "rules for endpoints that no longer exist"
    assert len(CASES) * len(ROLES) >= FLOOR


@pytest.mark.parametrize(("rule", "method"), CASES)
def test_every_role_gets_what_the_table_says(app, rule, method):
    other_region()
    users = {
        "viewer": staff("kronoberg", Role.VIEWER),
        "editor": staff("kronoberg", Role.EDITOR),
        "admin": staff("kronoberg", Role.ADMIN),
        "other": staff("blekinge", Role.EDITOR),
        "platform": staff(None, None, platform=True),
    }
    blekinge = snapshot("blekinge")
    observed = {}
    consultation = None
    for role in ROLES:
        # Each role meets the consultation as it was made: a fresh one after any request that
        # may have changed it. A page that only reads shares one between the roles.
        if consultation is None:
            consultation = consultation_for(rule, f"plan-{role}")
            links = Links(consultation)
        token = links.for_endpoint(rule.endpoint) if role == "link" else new_token()
        url = fill(rule, consultation, token)
        client, csrf = visitor(app, users.get(role))
        before = snapshot("kronoberg")
        response = client.open(url, method=method, data=_form_data(csrf))
        observed[role] = _outcome(response)
        assert snapshot("blekinge") == blekinge, f"{role} changed another region's data"
        after = snapshot("kronoberg")
        if observed[role] != OK:
            assert after == before, f"{role} was refused but changed data"
        if method != "GET" or after != before:
            consultation = None
        checked.append((rule.endpoint, method, role))
    assert rule.endpoint in EXPECTED, f"no rule for {rule.endpoint}"
    assert observed == dict(zip(ROLES, _expected(rule, method), strict=True))
