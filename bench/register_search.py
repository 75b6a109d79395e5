"""How fast the register's search answers with 20 000 organisations in a region's register.

Usage::

    .venv/bin/python bench/register_search.py [--organisations 20000] [--repeats 15]
                                              [--database sqlite|postgresql|both]

For each database the script makes a fresh database the usual way (``flask db upgrade``,
``flask kick load-reference``, ``flask kick load-demo``), bulk-inserts the organisations into
Kronoberg's register (names, organisation numbers for some, a municipality and one or two
kinds each), runs ANALYZE, logs in as the demo administrator and renders, round after round, the
register's searches as staff use them (as htmx fragments, the way the search box asks): no
filter, a word in the names, a word and a kind, a municipality, an organisation number, a word
that matches nothing, and a later page; and ``/admin/login`` as the baseline, a page that
reads nothing. Each figure is the median of ``--repeats`` renders after a warm-up; the ratio to
the baseline in the same run is the figure to compare between machines. The exit code is 1 when
a search failed or found the wrong number, 2 when the benchmark could not run.

Then a region imports a register of the same size, the way its staff do it through the pages
(as Blekinge's demo administrator): a Windows-1252, semicolon-separated file with contact
columns and descriptions holding commas is uploaded, checked (the page with the mapping, the
preview and the per-row report) and imported. Each step is timed once, with its ratio to the
baseline; then the same file is imported again, every row an update of an organisation the
register has. After each import the register and the contact persons are counted: a row that
did not arrive, or anything added twice, is an error.

PostgreSQL is ``KICK_BENCH_REGISTER_DATABASE_URL`` (default
``postgresql://postgres@127.0.0.1:5432/kick_bench_register``), wiped at the start.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import databases
from server import ServerError
from sqlalchemy import Engine, create_engine, func, select

from kick_forms import create_app
from kick_forms.demo import DEMO_SLUG
from kick_forms.extensions import db
from kick_forms.models import Consultation, Municipality, OrganisationCategory, Region
from kick_forms.models.organisation import (
    Organisation,
    OrganisationContact,
    RegisterEntry,
    organisation_category_link,
)
from kick_forms.timeutil import utcnow

DEFAULT_POSTGRESQL_URL = "postgresql://postgres@127.0.0.1:5432/kick_bench_register"
REGION = "kronoberg"
REGISTER = f"/admin/r/{REGION}/organisations"
BASELINE = "/admin/login"
LOGIN = ("admin@kronoberg.demo.kickforms.se", "demo-kronoberg-2027")
IMPORT_REGION = "blekinge"
IMPORT_LOGIN = ("admin@blekinge.demo.kickforms.se", "demo-blekinge-2027")
_IMPORT_ID = re.compile(r"/organisations/import/(\d+)$")
CHUNK = 2_000
_WORDS = ("kör", "hembygdsförening", "spelmanslag", "teaterförening", "konstförening",
          "bygdegårdsförening", "musikförening", "filmklubb", "slöjdförening",
          "litteraturcirkel")  # fmt: skip
_PLACES = ("Växjö", "Ljungby", "Älmhult", "Alvesta", "Tingsryd", "Lessebo", "Uppvidinge",
           "Markaryd", "Braås", "Lammhult", "Rottne", "Åseda")  # fmt: skip
_FOUND = re.compile(r'<p id="[\w-]+-status"[^>]*>(\d[\d\s]*)')


def _number(rng: random.Random, taken: set[str]) -> str | None:
    """A valid organisation number for about a third of the organisations."""
    from stdnum.se import orgnr

    if rng.random() > 0.33:
        return None
    while True:
        base = f"80{rng.randrange(2, 10)}{rng.randrange(10**6):06d}"
        for check in "0123456789":
            digits = base + check
            if orgnr.is_valid(digits) and (formatted := orgnr.format(digits)) not in taken:
                taken.add(formatted)
                return formatted


def load(engine: Engine, count: int, seed: int = 20_000) -> str:
    """Put ``count`` organisations in the region's register; return one organisation number."""
    rng = random.Random(seed)  # noqa: S311  reproducible test data
    taken: set[str] = set()
    with engine.begin() as connection:
        region_id = connection.scalar(select(Region.id).filter_by(slug=REGION))
        codes = connection.scalars(select(Municipality.code).filter_by(region_id=region_id)).all()
        kinds = connection.scalars(select(OrganisationCategory.key)).all()
        first = (connection.scalar(select(func.max(Organisation.id))) or 0) + 1
        now = utcnow()
        for start in range(0, count, CHUNK):
            organisations, entries, links = [], [], []
            for offset in range(start, min(start + CHUNK, count)):
                organisation_id = first + offset
                name = f"{rng.choice(_PLACES)} {rng.choice(_WORDS)} {organisation_id}"
                organisations.append({
                    "id": organisation_id, "name": name, "name_key": name.casefold(),
                    "organisation_number": _number(rng, taken),
                    "municipality_code": rng.choice(codes), "website": None, "description": "",
                    "size_band": None, "created_at": now, "updated_at": now,
                })  # fmt: skip
                entries.append(
                    {"region_id": region_id, "organisation_id": organisation_id, "added_at": now}
                )
                for key in rng.sample(kinds, rng.randint(1, 2)):
                    links.append({"organisation_id": organisation_id, "category_key": key})
            connection.execute(Organisation.__table__.insert(), organisations)
            connection.execute(RegisterEntry.__table__.insert(), entries)
            connection.execute(organisation_category_link.insert(), links)
        if connection.dialect.name == "postgresql":
            for table in ("organisation", "register_entry"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
                    f" (SELECT max(id) FROM {table}))"
                )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(
            "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
        )
    return sorted(taken)[len(taken) // 2]


def searches(number: str, consultation_id: int) -> dict[str, str]:
    invitations = f"/admin/r/{REGION}/c/{consultation_id}/invitations"
    return {
        "everything": REGISTER,
        "a word": f"{REGISTER}?q=spelmanslag",
        "a word and a kind": f"{REGISTER}?q=kör&category=choir",
        "a municipality": f"{REGISTER}?municipality=0780",
        "organisation number": f"{REGISTER}?q={number}",
        "nothing found": f"{REGISTER}?q=zzzz",
        "page 40": f"{REGISTER}?page=40",
        # The same register with each organisation's status in the demo consultation.
        "invitations": invitations,
        "invitations, a kind": f"{invitations}?category=choir&status=not_invited",
        "invitations, page 40": f"{invitations}?page=40",
        # The board, whose reach counts the whole register against the answers.
        "board with reach": f"/r/{REGION}/c/{DEMO_SLUG}/board",
    }


def _app(url: str):  # type: ignore[no-untyped-def]
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_urlsafe(48),
         "RATELIMIT_ENABLED": False}
    )  # fmt: skip


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _logged_in(app, login: tuple[str, str]):  # type: ignore[no-untyped-def]
    """A test client signed in as a demo administrator."""
    client = app.test_client()
    token = _token(client.get(BASELINE).get_data(as_text=True))
    reply = client.post(
        BASELINE, data={"email": login[0], "password": login[1], "csrf_token": token}
    )
    if reply.status_code != 303:
        raise ServerError(f"could not log in as {login[0]}")
    return client


def measure(url: str, repeats: int) -> tuple[dict[str, float], dict[str, int]]:
    app = _app(url)
    client = _logged_in(app, LOGIN)
    anonymous = app.test_client()
    with app.app_context():
        number = db.session.scalar(
            select(Organisation.organisation_number)
            .where(Organisation.organisation_number.is_not(None))
            .order_by(Organisation.id)
        )
        consultation_id = db.session.scalar(select(Consultation.id).filter_by(slug=DEMO_SLUG))
        registered = db.session.scalar(select(func.count()).select_from(RegisterEntry))
    paths = searches(number or "", consultation_id)
    times: dict[str, list[float]] = {name: [] for name in [*paths, "baseline"]}
    found: dict[str, int] = {}
    for repeat in range(repeats + 1):
        for name, path in paths.items():
            began = time.perf_counter()
            reply = client.get(path, headers={"HX-Request": "true"})
            elapsed = time.perf_counter() - began
            if reply.status_code != 200:
                raise ServerError(f"GET {path} answered {reply.status_code}")
            match = _FOUND.search(reply.get_data(as_text=True))
            found[name] = int(re.sub(r"\s", "", match.group(1))) if match else -1
            if repeat:
                times[name].append(elapsed)
        began = time.perf_counter()
        anonymous.get(BASELINE)
        if repeat:
            times["baseline"].append(time.perf_counter() - began)
    found["registered"] = registered
    return {name: statistics.median(values) for name, values in times.items()}, found


def run(target: databases.Target, organisations: int, repeats: int) -> bool:
    print(f"{target.kind}: preparing the database", flush=True)
    databases.prepare(target)
    engine = create_engine(target.kick_url)
    began = time.perf_counter()
    load(engine, organisations)
    engine.dispose()
    print(f"{target.kind}: {organisations} organisations ready in "
          f"{time.perf_counter() - began:.1f} s", flush=True)  # fmt: skip
    medians, found = measure(target.kick_url, repeats)
    baseline = medians.pop("baseline")
    print(
        f"\n{target.kind}: median server time of the register's search (htmx fragment), "
        f"{organisations} organisations, baseline GET {BASELINE} {baseline * 1000:.1f} ms"
    )
    print(f"{'search':24}  {'found':>6}  {'ms':>7}  {'x baseline':>10}")
    for name, seconds in medians.items():
        print(f"{name:24}  {found[name]:6d}  {seconds * 1000:7.1f}  {seconds / baseline:10.1f}")
    # The demo's own few organisations are in the register too.
    ok = found["everything"] == found["registered"] == found["invitations"]
    ok = ok and found["registered"] >= organisations and found["nothing found"] == 0
    ok = ok and found["organisation number"] == 1
    if not ok:
        print(f"{target.kind}: a search found the wrong number of organisations")
    return measure_import(target.kick_url, organisations, baseline) and ok


def import_file(count: int, municipalities: Sequence[str], seed: int = 21) -> bytes:
    """A register as regions keep it: Windows-1252, semicolons, Swedish headers, a contact
    person with e-mail and phone on most rows, and descriptions holding commas."""
    rng = random.Random(seed)  # noqa: S311  reproducible test data
    lines = ["Föreningens namn;Kommun;Typ av förening;Hemsida;Beskrivning;Kontaktperson;E-post;"
             "Telefon"]  # fmt: skip
    for number in range(1, count + 1):
        word = rng.choice(_WORDS)
        contact = rng.random() < 0.8
        lines.append(";".join([
            f"{rng.choice(_PLACES)} {word} {number}", rng.choice(municipalities),
            rng.choice(("Kör", "Hembygdsförening", "Studieförbund", "Konstförening")),
            f"www.förening{number}.se" if number % 3 else "",
            f"Vi träffas varje vecka, sjunger, spelar och fikar, {number}",
            f"Anna Andersson {number}" if contact else "",
            f"ordforande{number}@example.se" if contact else "",
            f"0470-{number:06d}" if contact else "",
        ]))  # fmt: skip
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _import_through_pages(client, data: bytes, times: dict[str, float], label: str) -> None:  # type: ignore[no-untyped-def]
    """Upload, check and run one import as staff do, timing each step under ``label``."""
    base = f"/admin/r/{IMPORT_REGION}/organisations/import"
    token = _token(client.get(base).get_data(as_text=True))
    began = time.perf_counter()
    reply = client.post(
        base, data={"csrf_token": token, "file": (io.BytesIO(data), "register.csv")}
    )
    times[f"{label}: upload"] = time.perf_counter() - began
    found = _IMPORT_ID.search(reply.headers.get("Location", ""))
    if reply.status_code != 303 or found is None:
        raise ServerError(f"the upload answered {reply.status_code}")
    check = f"{base}/{found.group(1)}"
    began = time.perf_counter()
    reply = client.get(check)
    times[f"{label}: check"] = time.perf_counter() - began
    if reply.status_code != 200:
        raise ServerError(f"the check answered {reply.status_code}")
    began = time.perf_counter()
    reply = client.post(f"{check}/run", data={"csrf_token": _token(reply.get_data(as_text=True))})
    times[f"{label}: import"] = time.perf_counter() - began
    if reply.status_code != 303:
        raise ServerError(f"the import answered {reply.status_code}")


def _register_size(region: Region) -> tuple[int, int]:
    """The region's organisations and contact persons."""
    return (
        db.session.scalar(
            select(func.count()).select_from(RegisterEntry).filter_by(region_id=region.id)
        ),
        db.session.scalar(
            select(func.count()).select_from(OrganisationContact).filter_by(region_id=region.id)
        ),
    )


def measure_import(url: str, rows: int, baseline: float) -> bool:
    """Import a file of ``rows`` organisations as a region's staff do, then import it again
    (every row an update of a known organisation: nothing new, no contact twice)."""
    app = _app(url)
    with app.app_context():
        region = db.session.scalars(select(Region).filter_by(slug=IMPORT_REGION)).one()
        names = [
            m.name for m in db.session.scalars(select(Municipality).filter_by(region_id=region.id))
        ]
        before = _register_size(region)
    data = import_file(rows, names)
    client = _logged_in(app, IMPORT_LOGIN)
    times: dict[str, float] = {}
    _import_through_pages(client, data, times, "first")
    with app.app_context():
        after = _register_size(region)
    _import_through_pages(client, data, times, "again")
    with app.app_context():
        again = _register_size(region)
    print(f"\nimport of {rows} rows ({len(data) // 1000} kB, Windows-1252, semicolons) into "
          f"{IMPORT_REGION}'s register through the pages, then the same file again")  # fmt: skip
    print(f"{'step':24}  {'s':>7}  {'x baseline':>10}")
    for name, seconds in times.items():
        print(f"{name:24}  {seconds:7.2f}  {seconds / baseline:10.0f}")
    print(f"organisations added: {after[0] - before[0]}, contact persons: {after[1] - before[1]}; "
          f"the second import added {again[0] - after[0]} and {again[1] - after[1]}")  # fmt: skip
    if after[0] - before[0] != rows or again != after:
        print("the imports did not add what the file holds, exactly once")
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    arguments = parser.parse_args(argv)
    kinds = ("sqlite", "postgresql") if arguments.database == "both" else (arguments.database,)
    postgresql_url = os.environ.get("KICK_BENCH_REGISTER_DATABASE_URL", DEFAULT_POSTGRESQL_URL)
    ok = True
    with tempfile.TemporaryDirectory(prefix="kick-bench-register-") as directory:
        for kind in kinds:
            try:
                target = (
                    databases.sqlite_target(Path(directory))
                    if kind == "sqlite"
                    else databases.postgresql_target(postgresql_url)
                )
                ok = run(target, arguments.organisations, arguments.repeats) and ok
            except ServerError as error:
                print(f"{kind}: error: {error}", file=sys.stderr)
                return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
