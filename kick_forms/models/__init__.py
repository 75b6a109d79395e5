"""All models, imported here so that Alembic and the app see every table."""

from kick_forms.models.alliance import AllianceInterest
from kick_forms.models.board_count import BoardCount
from kick_forms.models.consultation import (
    BoardVisibility,
    Consultation,
    ConsultationStatus,
    Question,
    QuestionKind,
    QuestionOption,
    Section,
)
from kick_forms.models.data_epoch import DataEpoch
from kick_forms.models.embed import EmbedOrigin, RegionTheme
from kick_forms.models.invitation import (
    AuditEvent,
    Invitation,
    RegistrationRequest,
    ReminderDay,
    RequestOutcome,
)
from kick_forms.models.method import (
    ChecklistTick,
    CodeExample,
    DialogueMeeting,
    QualityAnswer,
    QualityRespondent,
    QualityScore,
)
from kick_forms.models.news import (
    DigestDay,
    DigestFrequency,
    Follower,
    NewsItem,
    NewsStatus,
)
from kick_forms.models.organisation import (
    Organisation,
    OrganisationContact,
    RegisterEntry,
    RegisterImport,
    SizeBand,
)
from kick_forms.models.outbox import OutboxMessage
from kick_forms.models.outcome import Outcome, OutcomeStatus
from kick_forms.models.plan import (
    ConsultationDocument,
    ParagraphComment,
    PlanChapter,
    PlanParagraph,
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
from kick_forms.models.response import (
    Answer,
    AnswerOption,
    Attachment,
    Channel,
    Response,
    ResponseContact,
    ResponseStatus,
    ResponseVersion,
    ReviewState,
)
from kick_forms.models.template import ConsultationTemplate
from kick_forms.models.user import (
    AccountToken,
    RecoveryCode,
    RegionMembership,
    RegionSignIn,
    Role,
    StaffSession,
    TokenPurpose,
    User,
)

__all__ = [
    "AllianceInterest",
    "ConsultationDocument",
    "ConsultationTemplate",
    "DataEpoch",
    "DigestDay",
    "DigestFrequency",
    "Follower",
    "NewsItem",
    "NewsStatus",
    "ParagraphComment",
    "PlanChapter",
    "PlanParagraph",
    "AccountToken",
    "RecoveryCode",
    "RegionSignIn",
    "TokenPurpose",
    "ChecklistTick",
    "CodeExample",
    "DialogueMeeting",
    "QualityAnswer",
    "QualityRespondent",
    "QualityScore",
    "AuditEvent",
    "Invitation",
    "RegistrationRequest",
    "ReminderDay",
    "RequestOutcome",
    "BoardCount",
    "BoardVisibility",
    "Answer",
    "AnswerOption",
    "Channel",
    "Attachment",
    "OutboxMessage",
    "Outcome",
    "OutcomeStatus",
    "ResponseContact",
    "ResponseStatus",
    "ResponseVersion",
    "ReviewState",
    "CodeLevel",
    "EmbedOrigin",
    "RegionTheme",
    "CodePrinciple",
    "CodeStep",
    "Consultation",
    "ConsultationStatus",
    "CultureAlliance",
    "CultureArea",
    "Municipality",
    "Organisation",
    "OrganisationCategory",
    "OrganisationContact",
    "RegisterEntry",
    "RegisterImport",
    "SizeBand",
    "Question",
    "QuestionKind",
    "QuestionOption",
    "Region",
    "RegionMembership",
    "Response",
    "Role",
    "Section",
    "StaffSession",
    "User",
]
