"""All models, imported here so that Alembic and the app see every table."""

from kick_forms.models.consultation import (
    Consultation,
    ConsultationStatus,
    Question,
    QuestionKind,
    QuestionOption,
    Section,
)
from kick_forms.models.reference import (
    CodeLevel,
    CodePrinciple,
    CodeStep,
    CultureAlliance,
    CultureArea,
    Municipality,
    OrganisationCategory,
    Region,
)
from kick_forms.models.response import Response
from kick_forms.models.user import RegionMembership, Role, User

__all__ = [
    "CodeLevel",
    "CodePrinciple",
    "CodeStep",
    "Consultation",
    "ConsultationStatus",
    "CultureAlliance",
    "CultureArea",
    "Municipality",
    "OrganisationCategory",
    "Question",
    "QuestionKind",
    "QuestionOption",
    "Region",
    "RegionMembership",
    "Response",
    "Role",
    "Section",
    "User",
]
