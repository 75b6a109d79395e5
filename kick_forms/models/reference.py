"""Reference data: regions, municipalities, culture areas, categories, alliances, the Code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kick_forms.extensions import db
from kick_forms.i18n import current_locale


def in_locale(swedish: str, english: str | None) -> str:
    """The English name on an English page when there is one, else the Swedish."""
    locale = current_locale()
    if locale is not None and locale.language == "en" and english:
        return english
    return swedish


class Bilingual:
    """Reference rows named in both Swedish and English; ``name`` follows the request locale."""

    name_sv: Mapped[str]
    name_en: Mapped[str]

    @property
    def name(self) -> str:
        return in_locale(self.name_sv, self.name_en)


class Region(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    county: Mapped[str] = mapped_column(String(80))
    in_cultural_cooperation_model: Mapped[bool] = mapped_column(default=True)

    municipalities: Mapped[list[Municipality]] = relationship(
        back_populates="region", order_by="Municipality.name"
    )
    alliances: Mapped[list[CultureAlliance]] = relationship(back_populates="region")

    def __repr__(self) -> str:
        return f"<Region {self.slug}>"


class Municipality(db.Model):
    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)

    region: Mapped[Region] = relationship(back_populates="municipalities")

    @staticmethod
    def names() -> dict[str, str]:
        """Every municipality's name by its code, for tables that show codes by name."""
        query = select(Municipality.code, Municipality.name)
        return dict(db.session.execute(query).tuples().all())


class CultureArea(Bilingual, db.Model):
    """An area of the cultural cooperation model; wording changes with the ordinance."""

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class OrganisationCategory(Bilingual, db.Model):
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class CultureAlliance(db.Model):
    """A regional non-profit culture alliance (IKA group)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    url: Mapped[str] = mapped_column(String(300))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    # Set when KICK's staff change the alliance; loading the reference data then leaves it be.
    edited_at: Mapped[datetime | None]

    region: Mapped[Region] = relationship(back_populates="alliances")


class CodeLevel(Bilingual, db.Model):
    """A level of participation in the Council of Europe's Code of Good Practice."""

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int]
    name_sv: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    definition_en: Mapped[str | None] = mapped_column(Text)


class CodeStep(Bilingual, db.Model):
    """A step of the decision-making process in the Code."""

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int]
    name_sv: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    definition_en: Mapped[str | None] = mapped_column(Text)


class CodePrinciple(Bilingual, db.Model):
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int]
    name_sv: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(40))
