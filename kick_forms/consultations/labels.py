"""Words for the builder's enumerations, shown to people in their language."""

from flask_babel import lazy_pgettext

from kick_forms.i18n import lazy_gettext as _l
from kick_forms.models import Channel, ConsultationStatus, QuestionKind

STATUS_LABELS = {
    ConsultationStatus.DRAFT: _l("Draft"),
    ConsultationStatus.OPEN: _l("Open"),
    ConsultationStatus.CLOSED: _l("Closed"),
    ConsultationStatus.PUBLISHED: _l("Summary published"),
}

# What the button that moves a consultation *to* this status says.
STATUS_ACTIONS = {
    ConsultationStatus.OPEN: _l("Open for answers"),
    ConsultationStatus.CLOSED: _l("Close now"),
    ConsultationStatus.PUBLISHED: _l("Publish the summary"),
}

QUESTION_KIND_LABELS = {
    QuestionKind.SHORT_TEXT: _l("Short text"),
    QuestionKind.LONG_TEXT: _l("Long text"),
    QuestionKind.SINGLE_CHOICE: _l("Single choice"),
    QuestionKind.MULTIPLE_CHOICE: _l("Multiple choice"),
    QuestionKind.SCALE: _l("Scale 1–5"),
    QuestionKind.YES_NO: _l("Yes / no / don't know"),
    QuestionKind.NUMBER: lazy_pgettext("question kind", "Number"),
}

# How an answer reached the region: the same words on staff pages, in exports and in records.
CHANNEL_LABELS = {
    Channel.FORM: lazy_pgettext("channel of an answer", "Form"),
    Channel.EMAIL: lazy_pgettext("channel of an answer", "E-mail"),
    Channel.POST: lazy_pgettext("channel of an answer", "Post"),
    Channel.MEETING: lazy_pgettext("channel of an answer", "Meeting"),
}


def channel_label(channel: str) -> str:
    """The channel in words (Swedish: webbformulär, e-post, post, möte)."""
    label = CHANNEL_LABELS.get(Channel(channel)) if channel in set(Channel) else None
    return str(label) if label is not None else channel
