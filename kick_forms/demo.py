"""Demo data: an admin for each KICK/IKA region and an open consultation in Kronoberg."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict

from kick_forms.auth.services import create_user, find_user, grant_role
from kick_forms.board import feedback, plan_comments
from kick_forms.consultations import conditions, documents, kick_templates, plan_text
from kick_forms.consultations import entry_services as entering
from kick_forms.consultations import services as builder
from kick_forms.extensions import db
from kick_forms.models import (
    BoardVisibility,
    Channel,
    Consultation,
    ConsultationStatus,
    OutcomeStatus,
    PlanChapter,
    QuestionKind,
    Region,
    ReviewState,
    Role,
)
from kick_forms.news import services as news
from kick_forms.responses import comments as commenting
from kick_forms.responses.services import Respondent, save_answers, start_response, submit_response
from kick_forms.review import services as review
from kick_forms.timeutil import to_local, utcnow

DEMO_REGIONS = ("uppsala", "jonkoping", "kronoberg", "blekinge", "gavleborg", "stockholm")
DEMO_SLUG = "kulturplan-2027-2030"

INTRO = """\
Region Kronoberg tar fram en ny regional kulturplan för 2027–2030. Planen styr hur regionen och
staten tillsammans fördelar pengar till kulturen i länet inom kultursamverkansmodellen.

Vi vill veta vad **ni i det civila samhällets kulturliv** tycker: föreningar, studieförbund,
hembygdsföreningar, körer, arrangörer och alla andra som gör kultur i Kronoberg.

- Svara gärna tillsammans i föreningen. Ni kan spara ett utkast och fortsätta senare.
- Ni kan bifoga ett skriftligt remissvar.
- Vi sammanställer svaren öppet och berättar vad vi gjorde med dem.

Läs mer om [kultursamverkansmodellen](https://www.kulturradet.se/kultursamverkansmodellen/).
"""


def _q(kind, label, help_text="", required=False, options=(), **extra):  # type: ignore[no-untyped-def]
    return builder.QuestionData(
        kind=kind,
        label=label,
        help_text=help_text,
        required=required,
        options=list(options),
        allow_other=extra.get("allow_other", False),
        max_length=extra.get("max_length"),
        scale_min_label=extra.get("scale_min_label", ""),
        scale_max_label=extra.get("scale_max_label", ""),
        number_min=extra.get("number_min"),
        number_max=extra.get("number_max"),
    )


K = QuestionKind
# The conditional question: shown only to those who answer CONDITION_ANSWER to the question
# before it.
CONDITION_ANSWER = "Aldrig"
CONDITIONAL_LABEL = "Vad skulle få er att ta kontakt med regionens kulturverksamhet?"
SECTIONS = [
    (
        "Om er verksamhet",
        "Några frågor om er förening, så att vi förstår vilka som svarat.",
        [
            _q(
                K.MULTIPLE_CHOICE,
                "Inom vilka kulturområden är ni verksamma?",
                "Välj alla som passar.",
                True,
                [
                    "Teater, dans och musik",
                    "Museer och kulturarv",
                    "Bibliotek, läsande och litteratur",
                    "Bild och form",
                    "Arkiv",
                    "Film",
                    "Hemslöjd",
                ],
                allow_other=True,
            ),
            _q(
                K.NUMBER,
                "Ungefär hur många medlemmar har er förening?",
                "Skriv en uppskattning om ni inte vet exakt.",
                number_min=0,
                number_max=1_000_000,
            ),
            _q(
                K.SINGLE_CHOICE,
                "Hur ofta har ni kontakt med Region Kronobergs kulturverksamhet?",
                "",
                False,
                ["Varje månad", "Några gånger om året", "Mer sällan", CONDITION_ANSWER],
            ),
            _q(
                K.LONG_TEXT,
                CONDITIONAL_LABEL,
                "Frågan visas för er som svarat att ni aldrig har kontakt med regionen.",
                max_length=2000,
            ),
        ],
    ),
    (
        "Kulturplanens prioriteringar",
        "Kulturplanen 2027–2030 bygger på de sju områdena i kultursamverkansmodellen.",
        [
            _q(
                K.SCALE,
                "Hur väl speglar nuvarande kulturplan behoven i ert område?",
                "",
                True,
                scale_min_label="Inte alls",
                scale_max_label="Mycket väl",
            ),
            _q(
                K.SINGLE_CHOICE,
                "Vilket område bör regionen prioritera mest de kommande fyra åren?",
                "",
                True,
                [
                    "Professionell teater-, dans- och musikverksamhet",
                    "Museiverksamhet och kulturmiljöarbete",
                    "Bibliotek och läs- och litteraturfrämjande verksamhet",
                    "Professionell bild- och formverksamhet",
                    "Regional enskild arkivverksamhet",
                    "Filmkulturell verksamhet",
                    "Främjande av hemslöjd",
                ],
            ),
            _q(
                K.LONG_TEXT,
                "Vad saknar ni i dagens kulturplan?",
                "Beskriv gärna med exempel från er verksamhet.",
                max_length=3000,
            ),
        ],
    ),
    (
        "Samverkan och dialog",
        "Hur fungerar dialogen mellan regionen och det civila samhället i dag?",
        [
            _q(K.YES_NO, "Har er förening blivit tillfrågad om kulturplanen tidigare?", "", True),
            _q(
                K.SCALE,
                "Hur väl har regionen återkopplat vad som hände med era synpunkter?",
                "",
                scale_min_label="Inte alls",
                scale_max_label="Mycket väl",
            ),
            _q(
                K.MULTIPLE_CHOICE,
                "Hur vill ni helst delta i samrådet?",
                "Välj alla som passar.",
                False,
                [
                    "Webbformulär som detta",
                    "Dialogmöten på kvällstid",
                    "Digitala möten",
                    "Genom vår regionala kulturallians",
                ],
                allow_other=True,
            ),
        ],
    ),
    (
        "Framåt",
        "",
        [
            _q(K.SHORT_TEXT, "Beskriv med några ord den viktigaste frågan för er förening.", ""),
            _q(
                K.LONG_TEXT,
                "Har ni förslag på hur regionen kan stödja ideell kultur i hela länet?",
                "Tänk gärna på landsbygd, tillgänglighet och unga.",
                max_length=5000,
            ),
            _q(K.YES_NO, "Vill ni bli inbjudna till dialogmöten om kulturplanen?"),
        ],
    ),
]


# The draft plan's text, for organisations to comment on paragraph by paragraph.
PLAN_TEXT = """\
# Inledning

Kulturplanen beskriver hur Region Kronoberg och staten tillsammans stödjer kulturen i länet
under åren 2027–2030.

Planen har tagits fram i dialog med kommunerna, kulturinstitutionerna och det civila
samhällets kulturliv.

# Kultur i hela länet

Alla som bor i Kronobergs län ska kunna ta del av och skapa kultur, oavsett var de bor.

## Så arbetar vi

- Turnerande verksamhet till länets mindre orter
- Stöd till föreningarnas lokaler och mötesplatser
- Samarbete med studieförbunden

Regionen prioriterar barn och unga och personer som i dag sällan tar del av kulturlivet.

# Dialog och samverkan

Regionen ska föra en återkommande dialog med det civila samhällets kulturliv, och berätta
öppet vad synpunkterna har lett till.
"""

DOCUMENTS = [
    ("Remissversion av kulturplanen 2027–2030", "kulturplan-2027-2030-remiss.pdf"),
    ("Bilaga: Kulturlivet i Kronoberg i siffror", "bilaga-kulturlivet-i-siffror.pdf"),
]


def demo_pdf(title: str) -> bytes:
    """A small valid PDF with one page that shows ``title``: written by hand, with its cross-
    reference table counted in bytes, so the demo needs no PDF library."""
    text = title.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(")
    text = text.replace(b")", b"\\)")
    stream = b"BT /F1 18 Tf 56 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _demo_password(slug: str) -> str:
    return f"demo-{slug}-2027"


def load_demo_data(with_answers: bool = False) -> list[tuple[str, str]]:
    """Create the demo accounts and consultation unless they exist; return (email, password).

    ``with_answers`` also sends a few organisations' answers, so the demo board has something to
    show; tests and benchmarks leave it off and count their own.
    """
    logins = []
    for slug in DEMO_REGIONS:
        region = db.session.scalars(select(Region).filter_by(slug=slug)).one()
        email = f"admin@{slug}.demo.kickforms.se"
        password = _demo_password(slug)
        if find_user(email) is None:
            user = create_user(email, password, name=f"Demo {region.name}")
            grant_role(user, region, Role.ADMIN)
        logins.append((email, password))
    kick_templates.load_shipped_templates()  # KICK's template, which regions start from
    consultation = _demo_consultation()
    if consultation is not None:
        _demo_register(consultation.region)
        _demo_news(consultation)
    if with_answers and consultation is not None:
        _demo_answers(consultation)
        _demo_answer_by_post(consultation)
        _demo_review(consultation)
        _demo_chapter_feedback(consultation)
    db.session.flush()
    return logins


def _demo_news(consultation: Consultation) -> None:
    """A piece of the region's news about its consultation, and one of KICK's for everyone."""
    now = utcnow()
    news.create(
        consultation.region,
        news.NewsData(
            title="Tyck till om kulturplanen",
            body=(
                "Nu kan kulturens organisationer i Kronoberg svara på samrådet om den nya "
                "kulturplanen. Svara gärna **före sista dagen**, och kom till dialogmötet."
            ),
            published=True,
            publish_at=now - timedelta(hours=2),
            consultation=consultation,
        ),
        now,
    )
    news.create(
        None,
        news.NewsData(
            title="Studiehandledningen om kulturpolitik",
            body="KICK:s studiehandledning hjälper er att förbereda ett samråd i er förening.",
            published=True,
            publish_at=now - timedelta(days=1),
        ),
        now,
    )


def _demo_consultation() -> Consultation | None:
    """The demo consultation when it is created now; None when it already existed."""
    region = db.session.scalars(select(Region).filter_by(slug="kronoberg")).one()
    exists = db.session.scalar(
        select(Consultation.id).filter_by(region_id=region.id, slug=DEMO_SLUG)
    )
    if exists:
        return None
    now = utcnow()
    local_now = to_local(now)
    assert local_now is not None
    closes = datetime.combine(local_now.date() + timedelta(days=90), time(23, 59))
    opens = local_now.replace(tzinfo=None, second=0, microsecond=0) - timedelta(days=7)
    consultation = builder.create_consultation(
        region,
        builder.Settings(
            title="Kulturplan för Kronobergs län 2027–2030",
            slug=DEMO_SLUG,
            intro=INTRO,
            plan_start_year=2027,
            plan_end_year=2030,
            culture_area_keys=[
                "performing_arts",
                "museums",
                "libraries",
                "visual_arts",
                "archives",
                "film",
                "crafts",
            ],
            opens_at_local=opens,
            closes_at_local=closes,
            code_level_key="consultation",
            code_step_key="drafting",
            registry_number="RS 2026/0412",
        ),
    )
    for title, description, questions in SECTIONS:
        section = builder.add_section(consultation, title, description)
        for data in questions:
            question = builder.add_question(section, data)
            if data.label == CONDITIONAL_LABEL:
                allowed = conditions.earlier_choices(consultation, section, question)
                controller = allowed[-1].question
                option = next(o for o in controller.options if o.label == CONDITION_ANSWER)
                value = f"{controller.id}:o{option.id}"
                conditions.set_condition(question, value, allowed, is_new=True)
    for title, filename in DOCUMENTS:
        upload = FileStorage(io.BytesIO(demo_pdf(title)), filename=filename)
        documents.add_document(
            consultation, title, upload, current_app.config["MAX_ATTACHMENT_BYTES"], now
        )
    plan_text.replace(consultation, plan_text.parse_markdown(PLAN_TEXT))  # only in draft
    builder.change_status(consultation, ConsultationStatus.OPEN, now)
    consultation.board_visibility = BoardVisibility.WHILE_OPEN
    consultation.board_live = True
    return consultation


DEMO_ORGANISATIONS = [
    ("Växjö kammarkör", "0780", ["choir"], True, 0, "4", "yes"),
    ("Ljungby hembygdsförening", "0781", ["local_heritage"], True, 1, "2", "no"),
    ("Studieförbundet i Kronoberg", "0780", ["study_association"], False, 2, "3", "yes"),
    ("Tingsryds spelmanslag", "0763", ["folk_music_dance"], True, 0, "5", "dont_know"),
    ("Markaryds konstförening", "0767", ["art_society"], False, 3, "2", "no"),
]


# Registered but not (yet) answering: the board's reach shows who the consultation missed.
DEMO_REGISTER_ONLY = [
    ("Alvesta musikarrangörer", "0764", ["music_presenter"]),
    ("Lessebo bruksteater", "0761", ["amateur_theatre"]),
    ("Uppvidinge hembygdsförening", "0760", ["local_heritage"]),
    ("Älmhults filmstudio", "0765", ["film_photo"]),
    ("Växjö dansförening", "0780", ["folk_music_dance"]),
]


def _demo_register(region: Region) -> None:
    """The region's register: the answering organisations and a few more, each with a contact."""
    from kick_forms.organisations import services as register

    listed = [(name, municipality, kinds) for name, municipality, kinds, *_ in DEMO_ORGANISATIONS]
    for index, (name, municipality, kinds) in enumerate([*listed, *DEMO_REGISTER_ONLY]):
        organisation = register.register_organisation(
            region, register.OrganisationData(name, None, municipality, kinds)
        )
        register.add_contact(
            region, organisation, f"Kontakt {index + 1}", f"kontakt{index + 1}@demo.kickforms.se"
        )


DEMO_TEXTS = [
    "Fler scener för körer utanför Växjö, och stöd till resor för unga sångare.",
    "Hembygdsgårdarna behöver stöd till underhåll; de är länets mötesplatser.",
    "Studiecirklar i kulturpolitik, så att föreningarna kan delta som jämlikar.",
    "Spelmanslagen saknar lokaler och pengar till att lära upp nya spelare.",
    "Konstföreningarna vill ha en länsgemensam visningsplats för lokala konstnärer.",
]


# Comments on the plan's text sent with the answers: by organisation (its index in
# DEMO_ORGANISATIONS), the commentable paragraph's index in the plan and the comment.
DEMO_COMMENTS = {
    0: [(2, "Skriv ut att körerna också behöver turnéstöd, inte bara institutionerna.")],
    1: [
        (2, "Hembygdsgårdarna är ofta den enda samlingslokalen på landsbygden."),
        (3, "Nämn hembygdsföreningarna bland dem som stödet till lokaler gäller."),
    ],
    3: [(5, "Berätta hur dialogen ska gå till, och hur ofta den ska hållas.")],
}


def _demo_chapter_feedback(consultation: Consultation) -> None:
    """The region's first feedback on a chapter of the plan's text, not yet published."""
    chapter = db.session.scalars(
        select(PlanChapter).filter_by(consultation_id=consultation.id, position=1)
    ).one()
    plan_comments.save_chapter_outcome(
        consultation,
        chapter,
        feedback.OutcomeData(
            status=OutcomeStatus.PARTLY,
            explanation=(
                "Vi lägger till föreningarnas lokaler och körernas turnéer i kapitlet. "
                "Stöd till resor hanteras i regionens bidragsregler."
            ),
            plan_url=None,
        ),
    )


def _demo_answers(consultation: Consultation) -> None:
    """A few organisations answer the demo consultation through the answering services."""
    now = utcnow()
    paragraphs = [
        paragraph
        for chapter in commenting.plan_of(consultation)
        for paragraph in chapter.paragraphs
        if commenting.is_commentable(paragraph)
    ]
    for index, (name, municipality, categories, named, choice, scale, yes_no) in enumerate(
        DEMO_ORGANISATIONS
    ):
        who = Respondent(name, None, municipality, categories, f"Kontakt {index + 1}",
                         f"kontakt{index + 1}@demo.kickforms.se", named)  # fmt: skip
        response, _token = start_response(consultation, who, f"demo-{index}", now, lambda t: "")
        form = MultiDict()
        for question in consultation.questions:
            field = f"q-{question.id}"
            kind = QuestionKind(question.kind)
            if kind.has_options:
                form.add(field, str(question.options[choice % len(question.options)].id))
            elif kind == QuestionKind.SCALE:
                form.add(field, scale)
            elif kind == QuestionKind.YES_NO:
                form.add(field, yes_no)
            elif kind == QuestionKind.NUMBER:
                form.add(field, str(25 * (index + 1)))
            else:
                form.add(field, DEMO_TEXTS[index])
        save_answers(response, consultation.questions, form, now)
        for paragraph_index, text in DEMO_COMMENTS.get(index, []):
            commenting.save_comment(response, paragraphs[paragraph_index], text, now)
        submit_response(response, f"demo-submit-{index}", now, "")


def _demo_review(consultation: Consultation) -> None:
    """The region reviews free texts before they are public: it has published what came by
    the form and not yet read the letter, so the board says one text waits for review."""
    consultation.review_before_publishing = True
    staff = find_user("admin@kronoberg.demo.kickforms.se")
    assert staff is not None
    now = utcnow()
    for item in review.queue(consultation, ReviewState.PENDING):
        if item.response.channel == Channel.FORM:
            review.decide(consultation, item, review.PUBLISH, staff, now)


def _demo_answer_by_post(consultation: Consultation) -> None:
    """A letter that the region's staff registered: the staff pages show how it arrived."""
    now = utcnow()
    local_now = to_local(now)
    assert local_now is not None
    staff = find_user("admin@kronoberg.demo.kickforms.se")
    assert staff is not None
    form = MultiDict()
    for question in consultation.questions:
        kind = QuestionKind(question.kind)
        if kind == QuestionKind.SCALE:
            form.add(f"q-{question.id}", "3")
        elif kind == QuestionKind.LONG_TEXT:
            form.add(f"q-{question.id}", "Teatern i Lessebo behöver en scen som går att värma.")
    who = Respondent("Lessebo bruksteater", None, "0761", ["amateur_theatre"], "", "", True)
    entry = entering.Entry(who, Channel.POST, local_now.date() - timedelta(days=3))
    entering.enter_response(consultation, None, entry, form, staff.id, "demo-post", now)
