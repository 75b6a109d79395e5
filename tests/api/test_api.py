"""The open-data API: open to every origin, public data only, the board's own numbers."""

from __future__ import annotations

import json
import re
import statistics
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st

from kick_forms.board import services as board
from kick_forms.extensions import db
from kick_forms.models import ConsultationStatus, ResponseContact
from tests.board.generated import (
    CATEGORIES,
    MUNICIPALITIES,
    add_response,
    board_examples,
    counted,
    forget_responses,
    organisations,
    response_data,
    store,
)
from tests.conftest import make_consultation

OPENAPI_URL = "/api/v1/openapi.json"
KNOWN_KEYWORDS = {
    "$ref", "type", "properties", "required", "additionalProperties", "items", "enum", "const",
    "oneOf", "format", "minimum", "pattern", "description", "examples",
}  # fmt: skip


def _questions(consultation):
    return {q.label: q for q in consultation.questions}


def _make_board_public(consultation) -> None:
    consultation.board_visibility = "while_open"
    db.session.commit()


def _summary_url(consultation, **filters: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in filters.items() if value)
    return f"/api/v1/consultations/{consultation.id}/summary" + (f"?{query}" if query else "")


def _openapi_path(rule: str) -> str:
    """A Werkzeug rule as an OpenAPI path: /x/<int:id> becomes /x/{id}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _schema_problems(value: Any, schema: dict, document: dict, where: str = "$") -> list[str]:
    """Where a value breaks a schema, for the few JSON Schema keywords the document uses."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        return _schema_problems(value, document["components"]["schemas"][name], document, where)
    if "oneOf" in schema:
        fits = [s for s in schema["oneOf"] if not _schema_problems(value, s, document, where)]
        return [] if len(fits) == 1 else [f"{where}: fits {len(fits)} schemas of oneOf"]
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if not any(_has_type(value, kind) for kind in types):
            return [f"{where}: {value!r} is not of type {types}"]
    problems = []
    if "const" in schema and value != schema["const"]:
        problems.append(f"{where}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if "minimum" in schema and isinstance(value, int | float) and value < schema["minimum"]:
        problems.append(f"{where}: {value!r} is below {schema['minimum']}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            problems.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if schema.get("format") == "date-time" and datetime.fromisoformat(value).tzinfo is None:
            problems.append(f"{where}: {value!r} has no time zone")
        parts = urlsplit(value)
        if schema.get("format") == "uri" and not (parts.scheme and parts.netloc):
            problems.append(f"{where}: {value!r} is not an absolute URL")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        problems += [f"{where}: {key} is missing" for key in schema.get("required", [])
                     if key not in value]  # fmt: skip
        if schema.get("additionalProperties") is False:
            problems += [f"{where}: {key} is not documented" for key in value
                         if key not in properties]  # fmt: skip
        for key, subschema in properties.items():
            if key in value:
                problems += _schema_problems(value[key], subschema, document, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            problems += _schema_problems(item, schema["items"], document, f"{where}[{index}]")
    return problems


def _has_type(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    python = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
    return isinstance(value, python[kind])


def _assert_documented(client, url: str, path: str, status: int = 200) -> Any:
    """Fetch url and check its body against what the OpenAPI document says path returns."""
    document = client.get(OPENAPI_URL).get_json()
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    content = document["paths"][path]["get"]["responses"][str(status)]["content"]
    body = response.get_json()
    assert _schema_problems(body, content["application/json"]["schema"], document) == []
    return body


def _walk(node: Any):
    if isinstance(node, dict):
        yield node
        for child in node.values():
            yield from _walk(child)
    elif isinstance(node, list):
        for child in node:
            yield from _walk(child)


def test_every_api_response_is_open_to_any_origin(client, consultation):
    success = client.get("/api/v1/regions", headers={"Origin": "https://kultur.example"})
    assert success.status_code == 200
    assert success.headers["Access-Control-Allow-Origin"] == "*"
    assert success.headers["Cache-Control"] == "public, max-age=60"

    for url in (
        "/api/v1/consultations?region=atlantis",
        _summary_url(consultation),  # its board is not public
        "/api/v1/no-such-thing",
    ):
        missing = client.get(url)
        assert missing.status_code == 404, url
        assert missing.headers["Access-Control-Allow-Origin"] == "*"
        assert missing.get_json()["error"]
        assert "public" not in missing.headers.get("Cache-Control", "")

    preflight = client.options(
        "/api/v1/consultations",
        headers={"Origin": "https://kultur.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    allowed = {m.strip() for m in preflight.headers["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "OPTIONS"}


def test_other_methods_are_refused_in_json(client):
    response = client.post("/api/v1/regions")
    assert response.status_code == 405
    assert response.get_json()["error"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Allow"] and "POST" not in response.headers["Allow"]


def test_regions_lists_all_21_with_their_public_pages(client):
    body = _assert_documented(client, "/api/v1/regions", "/api/v1/regions")
    regions = body["regions"]
    assert len(regions) == 21
    assert len({region["code"] for region in regions}) == 21
    kronoberg = next(region for region in regions if region["slug"] == "kronoberg")
    assert kronoberg["name"] == "Region Kronoberg"
    assert kronoberg["in_cultural_cooperation_model"] is True
    assert urlsplit(kronoberg["url"]).path == "/r/kronoberg/"
    stockholm = next(region for region in regions if region["slug"] == "stockholm")
    assert stockholm["in_cultural_cooperation_model"] is False
    listed = client.get(kronoberg["consultations_url"])
    assert listed.status_code == 200 and listed.get_json() == {"consultations": []}


def test_consultations_filter_by_region_and_status_and_never_list_drafts(client):
    opened = make_consultation("kronoberg", "oppen", status=ConsultationStatus.OPEN)
    make_consultation("kronoberg", "utkast", status=ConsultationStatus.DRAFT)
    closed = make_consultation("kronoberg", "stangd", status=ConsultationStatus.CLOSED)
    published = make_consultation("skane", "klar", status=ConsultationStatus.PUBLISHED)

    def ids(query: str = "") -> list[int]:
        body = _assert_documented(client, f"/api/v1/consultations{query}", "/api/v1/consultations")
        return [record["id"] for record in body["consultations"]]

    # The most recently opened first.
    assert ids() == [published.id, closed.id, opened.id]
    assert ids("?region=kronoberg") == [closed.id, opened.id]
    assert ids("?status=open") == [opened.id]
    assert ids("?status=closed&region=kronoberg") == [closed.id]
    assert ids("?status=published&region=kronoberg") == []
    assert ids("?region=skane&status=published") == [published.id]

    for status in ("draft", "finished"):
        refused = client.get(f"/api/v1/consultations?status={status}")
        assert refused.status_code == 400
        assert "open, closed, published" in refused.get_json()["error"]
    unknown = client.get("/api/v1/consultations?region=atlantis")
    assert unknown.status_code == 404
    assert "atlantis" in unknown.get_json()["error"]


def test_consultation_records_give_times_with_zone_and_public_links_only(client):
    opened = make_consultation("kronoberg", "oppen", status=ConsultationStatus.OPEN)
    published = make_consultation("kronoberg", "klar", status=ConsultationStatus.PUBLISHED)
    published.registry_number = "RS 2026/1234"
    db.session.commit()
    records = {
        record["id"]: record
        for record in client.get("/api/v1/consultations").get_json()["consultations"]
    }
    record = records[opened.id]
    assert record["region"] == "kronoberg" and record["slug"] == "oppen"
    assert record["title"] == "Kulturplan 2027–2030" and record["status"] == "open"
    assert record["registry_number"] is None
    assert datetime.fromisoformat(record["closes_at"]) == opened.closes_at.replace(tzinfo=UTC)
    assert datetime.fromisoformat(record["opens_at"]) == opened.opens_at.replace(
        tzinfo=UTC, microsecond=0
    )
    assert record["plan_period"] == {"start_year": 2027, "end_year": 2030}
    assert record["culture_areas"] == ["museums"]
    assert (record["code_level"], record["code_step"]) == ("consultation", "drafting")
    assert urlsplit(record["url"]).path == "/r/kronoberg/c/oppen/"
    # Shown when published, which this one is not.
    assert record["board_url"] is None and record["summary_url"] is None

    public = records[published.id]
    assert public["registry_number"] == "RS 2026/1234"
    assert urlsplit(public["board_url"]).path == "/r/kronoberg/c/klar/board"
    summary = client.get(public["summary_url"])
    assert summary.status_code == 200
    assert summary.get_json()["consultation"] == public


@board_examples
@given(
    rows=st.lists(response_data, max_size=12),
    category=st.sampled_from([""] + CATEGORIES),
    municipality=st.sampled_from([""] + MUNICIPALITIES),
)
def test_summary_numbers_equal_the_boards_and_numbers_recomputed_from_the_answers(
    client, consultation, rows, category, municipality
):
    _make_board_public(consultation)
    forget_responses(consultation)
    store(consultation, rows)
    q = _questions(consultation)
    options = [option.id for option in q["Områden"].options]

    response = client.get(_summary_url(consultation, category=category, municipality=municipality))
    assert response.status_code == 200
    body = response.get_json()
    assert body["filter"] == {"category": category or None, "municipality": municipality or None}

    # The same numbers as the board's services.
    chosen = board.BoardFilter(category=category, municipality=municipality)
    totals = board.totals(consultation, chosen)
    assert body["totals"] == {
        "responses": totals.responses,
        "organisations": totals.organisations,
        "municipalities": totals.municipalities,
        "categories": totals.categories,
    }
    assert [(c["key"], c["count"]) for c in body["by_category"]] == [
        (c.key, n) for c, n in board.by_category(consultation, chosen)
    ]
    assert [(m["code"], m["count"]) for m in body["by_municipality"]] == [
        (m.code, n) for m, n in board.by_municipality(consultation, chosen)
    ]
    summaries = {s["id"]: s for s in body["questions"]}
    assert list(summaries) == [question.id for question in consultation.questions]
    for question in consultation.questions:
        expected = board.summarise(question, consultation, chosen)
        summary = summaries[question.id]
        assert summary["answered"] == expected.answered
        assert [bar["count"] for bar in summary.get("bars", [])] == [
            bar.count for bar in expected.bars
        ]
        assert summary.get("other_count", 0) == expected.other_count
        if question.kind == "number":
            assert (summary["median"], summary["min"], summary["max"]) == (
                expected.median, expected.minimum, expected.maximum
            )  # fmt: skip

    # And the numbers recomputed from the generated rows.
    kept = counted(rows, category, municipality)
    assert body["totals"]["responses"] == len(kept)
    assert body["totals"]["organisations"] == organisations(kept)
    assert body["totals"]["municipalities"] == len({row["municipality"] for row in kept})
    assert body["totals"]["categories"] == len({c for row in kept for c in row["categories"]})
    assert {c["key"]: c["count"] for c in body["by_category"]} == {
        key: n for key in CATEGORIES if (n := sum(key in row["categories"] for row in kept))
    }
    assert {m["code"]: m["count"] for m in body["by_municipality"]} == {
        code: n
        for code in MUNICIPALITIES
        if (n := sum(row["municipality"] == code for row in kept))
    }
    scale = summaries[q["Hur väl?"].id]
    assert {bar["key"]: bar["count"] for bar in scale["bars"]} == {
        key: sum(row["scale"] == key for row in kept) for key in "12345"
    }
    assert scale["answered"] == sum(row["scale"] is not None for row in kept)
    yes_no = summaries[q["Tillfrågade?"].id]
    assert [bar["count"] for bar in yes_no["bars"]] == [
        sum(row["yes_no"] == key for row in kept) for key in ("yes", "no", "dont_know")
    ]
    members = [row["members"] for row in kept if row["members"] is not None]
    number = summaries[q["Medlemmar"].id]
    assert number["answered"] == len(members)
    if members:
        assert number["median"] == statistics.median(members)
        assert (number["min"], number["max"]) == (min(members), max(members))
    else:
        assert (number["median"], number["min"], number["max"]) == (None, None, None)
    areas = summaries[q["Områden"].id]
    assert [bar["key"] for bar in areas["bars"]] == [str(option) for option in options]
    assert [bar["count"] for bar in areas["bars"]] == [
        sum(i in row["areas"] for row in kept) for i in range(2)
    ]
    assert areas["other_count"] == sum(row["other"] is not None for row in kept)
    assert areas["answered"] == sum(bool(row["areas"] or row["other"]) for row in kept)


def test_summary_matches_its_documented_schema_and_leaves_out_texts_and_names(client, consultation):
    _make_board_public(consultation)
    q = _questions(consultation)
    named = add_response(consultation, name="Öppna kören", municipality="0780",
                         categories=["choir"], named=True,
                         answers={q["Vad saknas?"]: "Fler scener", q["Ort"]: "Teleborg",
                                  q["Områden"]: ([], "Dans"), q["Medlemmar"]: 40,
                                  q["Hur väl?"]: "4", q["Viktigast"]: ([], "Båda")})  # fmt: skip
    add_response(consultation, name="Hemliga föreningen", municipality="0764",
                 categories=["local_heritage"], named=False,
                 answers={q["Vad saknas?"]: "Lokaler"})  # fmt: skip
    db.session.add(ResponseContact(response_id=named.id, name="Karin Ek", email="karin@ek.se"))
    db.session.commit()

    path = "/api/v1/consultations/{consultation_id}/summary"
    body = _assert_documented(client, _summary_url(consultation), path)
    kinds = {s["kind"] for s in body["questions"]}
    assert kinds == {
        "short_text", "long_text", "number", "multiple_choice", "single_choice", "scale", "yes_no"
    }  # fmt: skip
    texts = {s["label"]: s for s in body["questions"] if s["kind"].endswith("_text")}
    assert texts["Vad saknas?"]["answered"] == 2 and texts["Ort"]["answered"] == 1
    assert body["by_municipality"] == [
        {"code": "0764", "name": "Alvesta", "count": 1},
        {"code": "0780", "name": "Växjö", "count": 1},
    ]
    raw = json.dumps(body, ensure_ascii=False)
    for private in ("Öppna kören", "Hemliga föreningen", "Fler scener", "Lokaler", "Dans",
                    "Båda", "Teleborg", "Karin", "karin@ek.se"):  # fmt: skip
        assert private not in raw

    filtered = f"{_summary_url(consultation)}?category=choir&municipality=0780"
    body = _assert_documented(client, filtered, path)
    assert body["totals"]["responses"] == 1


def test_summary_is_not_open_data_unless_the_board_is_public(client, consultation):
    url = _summary_url(consultation)
    assert client.get(url).status_code == 404  # boards are shown when published by default
    consultation.board_visibility = "after_closing"
    db.session.commit()
    assert client.get(url).status_code == 404
    _make_board_public(consultation)
    assert client.get(url).status_code == 200

    draft = make_consultation("kronoberg", "utkast", status=ConsultationStatus.DRAFT)
    draft.board_visibility = "while_open"
    db.session.commit()
    refused = client.get(_summary_url(draft))
    assert refused.status_code == 404
    assert refused.get_json() == {
        "error": "No consultation with this id has a public summary board."
    }
    assert client.get("/api/v1/consultations/999999/summary").status_code == 404


def test_summary_refuses_filters_that_name_nothing(client, consultation):
    _make_board_public(consultation)
    document_path = "/api/v1/consultations/{consultation_id}/summary"
    for query in ("category=bagpipes", "municipality=9999", "municipality=0780x"):
        body = _assert_documented(client, f"{_summary_url(consultation)}?{query}",
                                  document_path, status=400)  # fmt: skip
        assert query.split("=")[1] in body["error"]


def test_openapi_document_is_3_1_and_describes_every_api_route(app, client):
    response = client.get(OPENAPI_URL)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.get_data(as_text=True))
    assert re.fullmatch(r"3\.1\.\d+", document["openapi"])
    assert document["info"]["title"] and document["info"]["version"]

    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")]
    assert len(rules) >= 4
    for rule in rules:
        path = _openapi_path(rule.rule)
        assert path in document["paths"], f"{rule.rule} is not in the OpenAPI document"
        operations = document["paths"][path]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in operations, f"{method} {rule.rule} is not documented"
        for operation in operations.values():
            documented = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert documented == set(rule.arguments), rule.rule
            assert "200" in operation["responses"]
    # Nothing documented that the app does not serve.
    assert set(document["paths"]) == {_openapi_path(rule.rule) for rule in rules}

    schemas = document["components"]["schemas"]
    for node in _walk(document):
        if "$ref" in node:
            assert node["$ref"].removeprefix("#/components/schemas/") in schemas, node["$ref"]
    for schema in _walk(schemas):
        if isinstance(schema.get("type"), str | list) or "$ref" in schema or "oneOf" in schema:
            assert set(schema) <= KNOWN_KEYWORDS, set(schema) - KNOWN_KEYWORDS


def test_errors_match_the_documented_error_schema(client):
    body = _assert_documented(client, "/api/v1/consultations?status=draft",
                              "/api/v1/consultations", status=400)  # fmt: skip
    assert "drafts are not public" in body["error"]
    _assert_documented(client, "/api/v1/consultations?region=atlantis",
                       "/api/v1/consultations", status=404)  # fmt: skip


def test_an_unexpected_failure_is_a_json_500_open_to_any_origin(app, client, monkeypatch):
    def broken() -> None:
        raise RuntimeError("database gone")

    monkeypatch.setattr("kick_forms.api.services.all_regions", broken)
    monkeypatch.setattr(app, "testing", False)  # as in production: no traceback to the client
    response = client.get("/api/v1/regions")
    assert response.status_code == 500
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "database gone" not in response.get_data(as_text=True)
    assert response.get_json()["error"]
