"""The form staff paste or upload the draft plan's text with."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, TextAreaField

from kick_forms.i18n import lazy_gettext as _l


class PlanTextForm(FlaskForm):
    source = TextAreaField(
        _l("The plan's text as Markdown"),
        description=_l(
            'A line starting with "# " starts a chapter, "## " a subheading; lines starting'
            ' with "- " or "1. " are a list; a blank line ends a paragraph.'
        ),
        render_kw={"rows": 18, "spellcheck": "true"},
    )
    document = FileField(
        _l("Or import a file"),
        description=_l(
            'Word (DOCX) or OpenDocument (ODT), at most 10 MB. Headings of the style "Rubrik'
            " 1\" (Heading 1) start chapters. The file's text replaces what is in the box"
            " above, so that you can check and edit it."
        ),
        render_kw={
            "accept": ".docx,.odt,application/vnd.openxmlformats-officedocument"
            ".wordprocessingml.document,application/vnd.oasis.opendocument.text"
        },
    )
    # The fingerprint of the text last shown in a preview: replacing needs a preview of
    # exactly the text that is sent.
    previewed = HiddenField()
