"""The builder's preview: the whole answering flow on one page, nothing of it saved."""

from __future__ import annotations

from kick_forms.forms import organisation_choices
from kick_forms.i18n import gettext as _
from kick_forms.models import Region
from kick_forms.responses.forms import RespondentForm


def respondent_form(region: Region) -> RespondentForm:
    """The start page's form as an organisation gets it, empty."""
    form = RespondentForm(formdata=None)
    organisation_choices(form, region, _("Choose a municipality"))
    return form
