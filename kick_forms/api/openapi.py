"""The OpenAPI 3.1 description of the open-data API, served at /api/v1/openapi.json.

Kept as Python next to the views so it ships with the package; the tests check it against the
URL map and validate real responses with its schemas.
"""

from __future__ import annotations

from typing import Any

from kick_forms.models import OutcomeStatus, QuestionKind
from kick_forms.regions.services import PUBLIC_STATUSES

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    """A closed object schema whose every property is always present (null where it may be)."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _nullable(type_: str, **extra: Any) -> dict[str, Any]:
    return {"type": [type_, "null"], **extra}


def _json(schema_name: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(schema_name)}},
    }


_COUNT = {"type": "integer", "minimum": 0}
_URL = {"type": "string", "format": "uri"}
_KINDS_WITH_BARS = [QuestionKind.SINGLE_CHOICE.value, QuestionKind.MULTIPLE_CHOICE.value]
_RATING_KINDS = [QuestionKind.SCALE.value, QuestionKind.YES_NO.value]
_TEXT_KINDS = [QuestionKind.SHORT_TEXT.value, QuestionKind.LONG_TEXT.value]

_FEEDBACK_OR_NULL = {
    "oneOf": [_ref("Feedback"), {"type": "null"}],
    "description": "The region's published feedback; null before publishing or where none.",
}
_QUESTION_BASE = {
    "id": {"type": "integer"},
    "section": {"type": "string", "description": "Title of the section the question is in."},
    "label": {"type": "string"},
    "feedback": _FEEDBACK_OR_NULL,
}
_ANSWERED = {**_COUNT, "description": "Counted responses that answered the question."}

_SCHEMAS: dict[str, Any] = {
    "Error": _object({"error": {"type": "string", "description": "What went wrong, for people."}}),
    "Region": _object(
        {
            "code": {
                "type": "string",
                "description": "County code, two digits.",
                "examples": ["07"],
            },
            "slug": {"type": "string", "examples": ["kronoberg"]},
            "name": {"type": "string", "examples": ["Region Kronoberg"]},
            "county": {"type": "string", "examples": ["Kronobergs län"]},
            "in_cultural_cooperation_model": {"type": "boolean"},
            "url": {**_URL, "description": "The region's public page."},
            "consultations_url": {**_URL, "description": "This API's list of its consultations."},
        }
    ),
    "RegionList": _object({"regions": {"type": "array", "items": _ref("Region")}}),
    "Consultation": _object(
        {
            "id": {"type": "integer"},
            "region": {"type": "string", "description": "Slug of the region."},
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "registry_number": _nullable(
                "string",
                description="The region's registration number (diarienummer) for the "
                "consultation, as its records system writes it.",
            ),
            "status": {"type": "string", "enum": [s.value for s in PUBLIC_STATUSES]},
            "opens_at": _nullable("string", format="date-time", description="UTC."),
            "closes_at": _nullable("string", format="date-time", description="UTC."),
            "plan_period": _object(
                {"start_year": _nullable("integer"), "end_year": _nullable("integer")},
                "Years of the regional cultural plan consulted on.",
            ),
            "culture_areas": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Keys of the culture areas of the cultural cooperation model.",
            },
            "code_level": _nullable(
                "string",
                description="Level of participation in the Council of Europe's Code of Good "
                "Practice for Civil Participation.",
            ),
            "code_step": _nullable(
                "string", description="Step of the decision-making process in the Code."
            ),
            "url": {**_URL, "description": "The consultation's public page."},
            "board_url": _nullable(
                "string", format="uri", description="The summary board; null unless public."
            ),
            "summary_url": _nullable(
                "string",
                format="uri",
                description="This API's summary of the board; null unless the board is public.",
            ),
        }
    ),
    "ConsultationList": _object(
        {"consultations": {"type": "array", "items": _ref("Consultation")}}
    ),
    "Totals": _object(
        {
            "responses": _COUNT,
            "organisations": _COUNT,
            "municipalities": _COUNT,
            "categories": _COUNT,
        },
        "Submitted responses that match the filter, and how widely they spread.",
    ),
    "CategoryCount": _object(
        {
            "key": {"type": "string"},
            "name_sv": {"type": "string"},
            "name_en": {"type": "string"},
            "count": _COUNT,
        },
        "Responses from organisations of one category; an organisation may have several.",
    ),
    "MunicipalityCount": _object(
        {"code": {"type": "string"}, "name": {"type": "string"}, "count": _COUNT}
    ),
    "Bar": _object(
        {
            "key": {
                "type": "string",
                "description": "Option id, scale step 1-5, or yes/no/dont_know.",
            },
            "label": {
                "type": "string",
                "description": "As the board shows it: an option's text, Yes / No / Don't know, "
                'or a scale step with the region\'s words for its ends (e.g. "1 – Not at all").',
            },
            "count": _COUNT,
        }
    ),
    "Feedback": _object(
        {
            "status": {"type": "string", "enum": [status.value for status in OutcomeStatus]},
            "status_label": {"type": "string", "description": "The status in words."},
            "explanation": {"type": "string", "description": "What the region did, and why."},
            "plan_url": _nullable("string", format="uri", description="Where in the plan."),
        },
        'What the region did with the input ("you said, we did"), once published.',
    ),
    "SectionFeedback": _object(
        {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "feedback": _FEEDBACK_OR_NULL,
        },
        "A section of the form with the feedback given to it as a whole.",
    ),
    "ChoiceQuestion": _object(
        {
            **_QUESTION_BASE,
            "kind": {"type": "string", "enum": _KINDS_WITH_BARS},
            "answered": _ANSWERED,
            "bars": {"type": "array", "items": _ref("Bar")},
            "other_count": {**_COUNT, "description": "Responses that wrote their own option."},
        },
        "Single or multiple choice: how many chose each option.",
    ),
    "RatingQuestion": _object(
        {
            **_QUESTION_BASE,
            "kind": {"type": "string", "enum": _RATING_KINDS},
            "answered": _ANSWERED,
            "bars": {"type": "array", "items": _ref("Bar")},
        },
        "A scale of 1-5, or yes / no / don't know: how many gave each answer.",
    ),
    "NumberQuestion": _object(
        {
            **_QUESTION_BASE,
            "kind": {"const": QuestionKind.NUMBER.value},
            "answered": _ANSWERED,
            "median": _nullable("number"),
            "min": _nullable("integer"),
            "max": _nullable("integer"),
        },
        "A number; median, min and max are null when nobody answered.",
    ),
    "TextQuestion": _object(
        {
            **_QUESTION_BASE,
            "kind": {"type": "string", "enum": _TEXT_KINDS},
            "answered": _ANSWERED,
        },
        "Free text: only how many answered, counting texts the region holds back for review or"
        " has hidden. The texts themselves are not open data.",
    ),
    "QuestionSummary": {
        "oneOf": [
            _ref("ChoiceQuestion"),
            _ref("RatingQuestion"),
            _ref("NumberQuestion"),
            _ref("TextQuestion"),
        ]
    },
    "Summary": _object(
        {
            "consultation": _ref("Consultation"),
            "filter": _object(
                {"category": _nullable("string"), "municipality": _nullable("string")}
            ),
            "totals": _ref("Totals"),
            "by_category": {"type": "array", "items": _ref("CategoryCount")},
            "by_municipality": {"type": "array", "items": _ref("MunicipalityCount")},
            "feedback_published_at": _nullable(
                "string", format="date-time", description="UTC; null until published."
            ),
            "sections": {"type": "array", "items": _ref("SectionFeedback")},
            "questions": {"type": "array", "items": _ref("QuestionSummary")},
        },
        "The figures of the public summary board. No free texts, no names, no personal data.",
    ),
}

_ERRORS = {
    "400": _json("Error", "A query parameter has a value the API cannot use."),
    "404": _json("Error", "Not found."),
}

_PATHS: dict[str, Any] = {
    "/api/v1/regions": {
        "get": {
            "operationId": "listRegions",
            "summary": "All 21 Swedish regions",
            "responses": {"200": _json("RegionList", "The regions, by county code.")},
        }
    },
    "/api/v1/consultations": {
        "get": {
            "operationId": "listConsultations",
            "summary": "Public consultations, the most recently opened first",
            "description": "Drafts are never listed.",
            "parameters": [
                {
                    "name": "region",
                    "in": "query",
                    "required": False,
                    "description": "Only this region's consultations (a region slug).",
                    "schema": {"type": "string"},
                },
                {
                    "name": "status",
                    "in": "query",
                    "required": False,
                    "description": "Only consultations with this status.",
                    "schema": {"type": "string", "enum": [s.value for s in PUBLIC_STATUSES]},
                },
            ],
            "responses": {
                "200": _json("ConsultationList", "The consultations."),
                "400": _ERRORS["400"],
                "404": _json("Error", "No region has that slug."),
            },
        }
    },
    "/api/v1/consultations/{consultation_id}/summary": {
        "get": {
            "operationId": "getSummary",
            "summary": "The figures of a consultation's public summary board",
            "description": (
                "Only while the region lets the public see the board; otherwise 404. The "
                "filters narrow the counted responses as on the board."
            ),
            "parameters": [
                {
                    "name": "consultation_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer"},
                },
                {
                    "name": "category",
                    "in": "query",
                    "required": False,
                    "description": "Only responses from organisations of this category (key).",
                    "schema": {"type": "string"},
                },
                {
                    "name": "municipality",
                    "in": "query",
                    "required": False,
                    "description": "Only responses from this municipality (four-digit code).",
                    "schema": {"type": "string", "pattern": "^[0-9]{4}$"},
                },
            ],
            "responses": {
                "200": _json("Summary", "The board's figures."),
                "400": _ERRORS["400"],
                "404": _json("Error", "No such consultation, or its board is not public."),
            },
        }
    },
    "/api/v1/openapi.json": {
        "get": {
            "operationId": "getOpenApiDocument",
            "summary": "This description of the API",
            "responses": {
                "200": {
                    "description": "An OpenAPI 3.1 document.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    },
}


def document() -> dict[str, Any]:
    """The description of every route of the API, for client generators and for people."""
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "KICK Forms open data",
            "version": API_VERSION,
            "description": (
                "Read-only open data on consultations between Swedish regions and cultural "
                "organisations under the cultural cooperation model. Any origin may read it "
                "(CORS); responses may be cached for 60 seconds. Times are ISO 8601 in UTC. "
                "Free-text answers, attached statements, organisation names and contact persons"
                " are never included."
            ),
        },
        "paths": _PATHS,
        "components": {"schemas": _SCHEMAS},
    }
