"""KICK's own advice for each step and level of the Code: what a region does, what an
organisation can do, and what KICK Forms offers for it.

These are KICK's words, not the Code's: the manual shows them beside the Code's content (from
``data/coe_code.json``, each item with its provenance) and says which is which.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kick_forms.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class StepAdvice:
    key: str
    # For a cultural plan: what this step is, in one sentence.
    in_short: Any
    region_does: tuple[Any, ...]
    organisation_can: tuple[Any, ...]
    # What a consultation at this step means for an organisation answering it.
    for_respondents: Any


@dataclass(frozen=True)
class LevelAdvice:
    key: str
    in_short: Any
    choose_when: Any
    in_kick_forms: Any
    for_respondents: Any


STEPS: dict[str, StepAdvice] = {
    advice.key: advice
    for advice in (
        StepAdvice(
            "agenda_setting",
            _l("What the next cultural plan should take up is decided."),
            (
                _l(
                    "Ask the organisations what the next plan should take up, before anything "
                    "is written."
                ),
                _l(
                    "Tell openly how and when the plan will be drawn up, and how organisations "
                    "can take part."
                ),
                _l("Hold meetings in several parts of the county, at times that suit volunteers."),
            ),
            (
                _l("Tell the region what your members and your art form need."),
                _l("Join with other organisations to raise a question together."),
            ),
            _l("Nothing is written yet: you help decide what the cultural plan will take up."),
        ),
        StepAdvice(
            "drafting",
            _l("The region writes the draft cultural plan."),
            (
                _l(
                    "Send the draft, or the questions it raises, out for consultation in good "
                    "time, with questions an organisation can answer without an expert."
                ),
                _l(
                    "Invite every organisation in the register and remind those who have not "
                    "answered."
                ),
                _l(
                    "Meet the organisations while the consultation is open, and say when the "
                    "feedback will come."
                ),
            ),
            (
                _l(
                    "Answer the consultation, on your own or together with others, and attach a "
                    "written statement if you have one."
                ),
                _l("Say what should be added, changed or given priority, and why."),
            ),
            _l("The plan is being written: your answer can still change what it says."),
        ),
        StepAdvice(
            "decision",
            _l("The region's politicians decide the cultural plan."),
            (
                _l(
                    "Publish the feedback before the decision: what the organisations said and "
                    "what the region did with it."
                ),
                _l(
                    "Tell when and where the plan is decided, and what changed after the "
                    "consultation."
                ),
            ),
            (
                _l("Read the feedback and see whether your views were taken up."),
                _l("Follow the decision and talk to the politicians who make it."),
            ),
            _l(
                "The plan is about to be decided: your answer tells the politicians what "
                "civil society thinks of it."
            ),
        ),
        StepAdvice(
            "implementation",
            _l("The plan is carried out: grants, projects and cooperation."),
            (
                _l(
                    "Tell how the plan will be carried out and what support organisations can "
                    "apply for."
                ),
                _l("Invite organisations to carry out parts of the plan together with the region."),
            ),
            (
                _l("Carry out activities and projects that fit the plan."),
                _l("Tell the region what works and what stands in the way."),
            ),
            _l("The plan is decided: your answer is about how it is carried out."),
        ),
        StepAdvice(
            "monitoring",
            _l("What the plan achieved is followed up."),
            (
                _l(
                    "Ask the organisations what the plan has meant for them, and publish what "
                    "the follow-up shows."
                ),
                _l("Ask both sides how the dialogue itself worked."),
            ),
            (
                _l(
                    "Tell what happened in your activities, and compare the plan with what you see."
                ),
                _l("Answer the survey on the dialogue's quality."),
            ),
            _l("The region follows up its plan: your answer tells what it meant in practice."),
        ),
        StepAdvice(
            "reformulation",
            _l("The plan is revised for the next period."),
            (
                _l(
                    "Take what the follow-up showed into the next plan, and tell the "
                    "organisations how."
                ),
                _l("Start again at the first step, with what you learnt about the dialogue."),
            ),
            (
                _l("Propose what the next plan should do differently."),
                _l("Remind the region of what it promised in its feedback."),
            ),
            _l("The plan is being revised: your answer helps shape the next one."),
        ),
    )
}

LEVELS: dict[str, LevelAdvice] = {
    advice.key: advice
    for advice in (
        LevelAdvice(
            "information",
            _l("The region tells what it does; the organisations are not asked to answer."),
            _l(
                "Choose it when there is nothing left to influence, and to prepare every other "
                "level: without information nobody can take part."
            ),
            _l(
                "News and the calendar on the region's page, and the summary board once it is "
                "published."
            ),
            _l(
                "The region informs: you are not asked to answer, but you can follow the work "
                "and get in touch."
            ),
        ),
        LevelAdvice(
            "consultation",
            _l("The region asks the organisations what they think of a question or a draft."),
            _l(
                "Choose it when the region wants many organisations' views on something "
                "specific, such as the draft cultural plan."
            ),
            _l(
                "A consultation with its form, invitations to the register, the summary board "
                "and the feedback."
            ),
            _l("The region asks for your views and should say what it did with them."),
        ),
        LevelAdvice(
            "dialogue",
            _l("The region and the organisations talk together, more than once, about what to do."),
            _l(
                "Choose it when the questions need to be discussed, not only answered, and the "
                "region can meet the organisations several times."
            ),
            _l(
                "Dialogue meetings recorded beside the form, and a consultation in more than one "
                "round."
            ),
            _l("The region wants to talk with you: expect meetings beside the form."),
        ),
        LevelAdvice(
            "partnership",
            _l("The region and the organisations share the responsibility for a part of the work."),
            _l(
                "Choose it when organisations are to write, decide or carry out part of the plan "
                "together with the region."
            ),
            _l(
                "Meetings and feedback recorded for a working group; the consultation asks who "
                "wants to take part."
            ),
            _l(
                "The region shares the work with organisations: your answer can lead to working "
                "together on the plan."
            ),
        ),
    )
}
