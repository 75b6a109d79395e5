"""Every sent version of an answer, and what changed from one to the next, for staff.

A change is found per question by comparing the answer as words: the words of a text, the
options chosen, the point on a scale. Texts are compared word by word, so a corrected sentence
shows which words went and which came.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from sqlalchemy import select

from kick_forms.extensions import db
from kick_forms.i18n import gettext as _
from kick_forms.models import Answer, Attachment, Question, QuestionKind, Response, ResponseVersion
from kick_forms.responses.answers import TypedAnswer, typed_from

ADDED, REMOVED, CHANGED, SAME = "added", "removed", "changed", "same"


@dataclass
class Segment:
    """A run of words that stayed, went or came."""

    kind: str  # SAME, ADDED or REMOVED
    text: str


@dataclass
class QuestionChange:
    question: Question
    change: str  # ADDED (answered now, not before), REMOVED, CHANGED or SAME
    segments: list[Segment] = field(default_factory=list)


@dataclass
class VersionComparison:
    version: ResponseVersion
    previous: ResponseVersion | None
    questions: list[QuestionChange]
    files_added: list[Attachment]
    files_removed: list[Attachment]

    def count(self, change: str) -> int:
        return sum(1 for item in self.questions if item.change == change)


def response_version(response: Response, number: int | None) -> ResponseVersion | None:
    """The response's version with this number, or its latest when none is asked for."""
    versions = sorted(response.versions, key=lambda version: version.number)
    if number is None:
        return versions[-1] if versions else None
    return next((version for version in versions if version.number == number), None)


def _answers(version: ResponseVersion) -> dict[int, TypedAnswer]:
    rows = db.session.scalars(select(Answer).where(Answer.version_id == version.id))
    return {answer.question_id: typed_from(answer) for answer in rows}


def answer_words(question: Question, typed: TypedAnswer | None) -> list[str]:
    """The answer as the words it is compared by; empty when not answered."""
    if typed is None or typed.is_empty:
        return []
    kind = QuestionKind(question.kind)
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.NUMBER):
        return [word for word in re.split(r"(\s+)", typed.text or "") if word]
    if kind.has_options:
        labels = [option.label for option in question.options if option.id in typed.option_ids]
        if typed.other_text:
            labels.append(f"{_('Other:')} {typed.other_text}")
        return labels
    if kind == QuestionKind.SCALE:
        return [f"{typed.choice} {_('of 5')}"]
    words = {"yes": _("Yes"), "no": _("No"), "dont_know": _("Don't know")}
    return [words.get(typed.choice or "", typed.choice or "")]


def _segments(before: list[str], after: list[str]) -> list[Segment]:
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    segments: list[Segment] = []
    for operation, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if operation == "equal":
            segments.append(Segment(SAME, "".join(before[a_start:a_end])))
            continue
        if a_end > a_start:
            segments.append(Segment(REMOVED, "".join(before[a_start:a_end])))
        if b_end > b_start:
            segments.append(Segment(ADDED, "".join(after[b_start:b_end])))
    return segments


def _choice_segments(before: list[str], after: list[str]) -> list[Segment]:
    """Options compared as a set: each kept, dropped or newly chosen option once."""
    return [Segment(SAME if label in before else ADDED, label) for label in after] + [
        Segment(REMOVED, label) for label in before if label not in after
    ]


def _change(question: Question, before: TypedAnswer | None, after: TypedAnswer | None):  # type: ignore[no-untyped-def]
    old, new = answer_words(question, before), answer_words(question, after)
    if QuestionKind(question.kind).has_options:
        segments = _choice_segments(old, new)
    else:
        segments = _segments(old, new)
    if old == new:
        change = SAME
    elif not old:
        change = ADDED
    elif not new:
        change = REMOVED
    else:
        change = CHANGED
    return QuestionChange(question, change, segments)


def compare(response: Response, version: ResponseVersion) -> VersionComparison:
    """What changed in this version since the one before it (nothing, for the first)."""
    previous = response_version(response, version.number - 1) if version.number > 1 else None
    after = _answers(version)
    # The first version is shown as it is, not as a page of additions.
    before = _answers(previous) if previous else after
    questions = [
        _change(question, before.get(question.id), after.get(question.id))
        for question in response.consultation.questions
    ]
    old_files = (
        {attachment.id: attachment for attachment in previous.attachments} if previous else {}
    )
    new_files = {attachment.id: attachment for attachment in version.attachments}
    return VersionComparison(
        version=version,
        previous=previous,
        questions=questions,
        files_added=[file for key, file in new_files.items() if key not in old_files],
        files_removed=[file for key, file in old_files.items() if key not in new_files],
    )
