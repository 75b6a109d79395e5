"""Loads the reference data shipped in ``kick_forms/data`` into the database, idempotently."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

from sqlalchemy import select

from kick_forms.alliances.services import staff_kept_region_ids
from kick_forms.extensions import db
from kick_forms.method.examples import seed_examples
from kick_forms.models import (
    CodeLevel,
    CodePrinciple,
    CodeStep,
    CultureAlliance,
    CultureArea,
    Municipality,
    OrganisationCategory,
    Region,
)


def _rows(filename: str) -> Iterator[dict[str, str]]:
    with resources.files("kick_forms.data").joinpath(filename).open(encoding="utf-8") as file:
        yield from csv.DictReader(file)


def _code() -> dict[str, Any]:
    text = resources.files("kick_forms.data").joinpath("coe_code.json").read_text("utf-8")
    return json.loads(text)


def _upsert(model: type, key: dict[str, Any], values: dict[str, Any]) -> bool:
    """Insert or update one row found by ``key``; True when something changed."""
    row = db.session.scalars(select(model).filter_by(**key)).one_or_none()
    if row is None:
        db.session.add(model(**key, **values))
        return True
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _first_words(text: str) -> str:
    """'participation (slides: ...)' -> 'participation': drop the data file's source remarks."""
    return text.split(" (")[0].strip()


def load_reference_data() -> dict[str, int]:
    """Create or update every reference row; running it twice changes nothing the second time."""
    changes: dict[str, int] = {}

    def count(name: str, changed: bool) -> None:
        changes[name] = changes.get(name, 0) + int(changed)

    for row in _rows("regions.csv"):
        values = {
            "slug": row["slug"],
            "name": row["name"],
            "county": row["county"],
            "in_cultural_cooperation_model": row["in_cultural_cooperation_model"] == "true",
        }
        count("regions", _upsert(Region, {"code": row["code"]}, values))
    db.session.flush()
    region_ids = dict(db.session.execute(select(Region.code, Region.id)).all())

    for row in _rows("municipalities.csv"):
        values = {"name": row["name"], "region_id": region_ids[row["region_code"]]}
        count("municipalities", _upsert(Municipality, {"code": row["code"]}, values))

    for position, row in enumerate(_rows("culture_areas.csv")):
        values = {"position": position, "name_sv": row["name_sv"], "name_en": row["name_en"]}
        count("culture_areas", _upsert(CultureArea, {"key": row["key"]}, values))

    for position, row in enumerate(_rows("organisation_categories.csv")):
        values = {"position": position, "name_sv": row["name_sv"], "name_en": row["name_en"]}
        count("categories", _upsert(OrganisationCategory, {"key": row["key"]}, values))

    # KICK's staff keep the alliances in the app (kick_forms/alliances); the file only seeds them.
    # An alliance staff changed (edited_at set) is left as it is. An alliance missing from the
    # table is added only to a region whose alliances staff have never changed: where they
    # removed one, the audit log's record of it is what keeps it removed.
    staff_kept = staff_kept_region_ids()
    for row in _rows("culture_alliances.csv"):
        values = {"url": row["url"], "region_id": region_ids[row["region_code"]]}
        alliance = db.session.scalars(
            select(CultureAlliance).filter_by(name=row["name"])
        ).one_or_none()
        if alliance is not None and alliance.edited_at is not None:
            continue
        if alliance is None and values["region_id"] in staff_kept:
            continue
        count("alliances", _upsert(CultureAlliance, {"name": row["name"]}, values))

    code = _code()
    for level in code["levels"]:
        values = {
            "position": level["order"],
            "name_sv": level["sv"].capitalize(),
            "name_en": level["en"],
            "definition_en": level["definition"]["en"],
        }
        count("code_levels", _upsert(CodeLevel, {"key": level["key"]}, values))
    for step in code["steps"]:
        values = {
            "position": step["order"],
            "name_sv": _first_words(step["sv"]),
            "name_en": step["en"],
            "definition_en": step["description"]["en"],
        }
        count("code_steps", _upsert(CodeStep, {"key": step["key"]}, values))
    for position, principle in enumerate(code["principles"]):
        values = {
            "position": position,
            "name_sv": _first_words(principle["sv"]).capitalize(),
            "name_en": _first_words(principle["en"]).capitalize(),
            "version": principle["version"],
        }
        count("code_principles", _upsert(CodePrinciple, {"key": principle["key"]}, values))
    db.session.flush()
    # Not counted as a change: once seeded, the examples are KICK's staff's to keep.
    seed_examples(code["matrix_examples"]["cells"])
    return changes
