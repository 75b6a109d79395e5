"""Words for the builder's enumerations, shown to people in their language."""

from flask_babel import lazy_gettext as _l

from kick_forms.models import ConsultationStatus, QuestionKind

STATUS_LABELS = {
    ConsultationStatus.DRAFT: _l("Draft"),
    ConsultationStatus.OPEN: _l("Open"),
    ConsultationStatus.CLOSED: _l("Closed"),
    ConsultationStatus.PUBLISHED: _l("Published"),
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
    QuestionKind.NUMBER: _l("Number"),
}
