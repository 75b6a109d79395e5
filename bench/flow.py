"""The answering flow over HTTP, walked the way an organisation's browser walks it.

Plain ``http.client`` and ``html.parser``, so the benchmark needs nothing beyond the standard
library on the client side.
"""

from __future__ import annotations

import http.client
import re
import secrets
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from itertools import count
from urllib.parse import urlencode, urlsplit

REGION = "kronoberg"
CONSULTATION = "kulturplan-2027-2030"
START_PATH = f"/r/{REGION}/c/{CONSULTATION}/respond"
READY_PATH = f"/r/{REGION}/c/{CONSULTATION}/"

_DRAFT_LINK = re.compile(r"^/respond/([A-Za-z0-9_-]{43})$")
_QUESTION_FIELD = re.compile(r"^q-\d+$")
# A server that closed an idle keep-alive connection shows up as one of these on the next use.
_STALE_CONNECTION = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)

Form = list[tuple[str, str]]


class FlowError(RuntimeError):
    """The application answered something the answering flow does not expect."""


@dataclass(frozen=True)
class Reply:
    status: int
    location: str
    body: str


@dataclass(frozen=True)
class Draft:
    """A draft with every question answered, ready to submit with the nonce of its check page."""

    token: str
    submit_nonce: str


@dataclass(frozen=True)
class Submission:
    """An acknowledged submit: the server answered 303 to the confirmation page."""

    token: str
    latency: float


class Client:
    """One keep-alive connection, as one browser tab holds it."""

    # A request that finds its connection closed is sent once more, on a new connection.
    attempts = 2
    retry_on: tuple[type[Exception], ...] = _STALE_CONNECTION
    # Answers that make a request worth sending again, as after a proxy's "bad gateway".
    retry_statuses: frozenset[int] = frozenset()

    def __init__(self, port: int, source_address: str | None = None) -> None:
        self.port = port
        # The client's own address (any of 127.0.0.0/8 on Linux), so that servers which count
        # per client address see many clients rather than one.
        self.source_address = (source_address, 0) if source_address else None
        self.requests = 0
        # Requests sent again after a broken connection or a status in ``retry_statuses``.
        self.retried = 0
        self._connection: http.client.HTTPConnection | None = None

    def get(self, path: str) -> Reply:
        return self._send("GET", path, None)

    def post(self, path: str, form: Form) -> Reply:
        return self._send("POST", path, urlencode(form))

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _send(self, method: str, path: str, body: str | None) -> Reply:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            if self._connection is None:
                self._connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=60, source_address=self.source_address
                )
            try:
                self._connection.request(method, path, body=body, headers=headers)
                response = self._connection.getresponse()
                data = response.read()
            except self.retry_on:
                self.close()
                if last:
                    raise
                self._before_retry(attempt)
                continue
            self.requests += 1
            if response.will_close:
                self.close()
            if response.status in self.retry_statuses and not last:
                self._before_retry(attempt)
                continue
            location = urlsplit(response.getheader("Location", "")).path
            return Reply(response.status, location, data.decode("utf-8", "replace"))
        raise AssertionError("unreachable")

    def _before_retry(self, attempt: int) -> None:
        self.retried += 1


@dataclass(frozen=True)
class Field:
    tag: str
    name: str
    type: str
    value: str
    numeric: bool


class _FieldParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[Field] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("input", "textarea"):
            return
        attributes = {key: value or "" for key, value in attrs}
        if attributes.get("name"):
            self.fields.append(
                Field(
                    tag=tag,
                    name=attributes["name"],
                    type=attributes.get("type", "text") if tag == "input" else "textarea",
                    value=attributes.get("value", ""),
                    numeric=attributes.get("inputmode") == "numeric",
                )
            )


def form_fields(html: str) -> list[Field]:
    """The named inputs and textareas of a page, in document order."""
    parser = _FieldParser()
    parser.feed(html)
    parser.close()
    return parser.fields


def hidden_value(html: str, name: str) -> str:
    for field in form_fields(html):
        if field.name == name and field.type == "hidden" and field.value:
            return field.value
    raise FlowError(f"no hidden {name!r} input on the page")


def answers_for(fields: list[Field], text: str) -> Form:
    """An answer to every question on a section page: text where typed, the first option where
    chosen, and never "other", which would need its own text."""
    answers: Form = []
    chosen: set[str] = set()
    for field in fields:
        if not _QUESTION_FIELD.match(field.name):
            continue
        if field.type in ("radio", "checkbox"):
            if field.name not in chosen and field.value != "other":
                answers.append((field.name, field.value))
                chosen.add(field.name)
        elif field.type in ("text", "textarea"):
            answers.append((field.name, "42" if field.numeric else text))
    return answers


def _expect(reply: Reply, status: int, step: str) -> Reply:
    if reply.status != status:
        raise FlowError(f"{step}: expected HTTP {status}, got {reply.status}")
    return reply


def start_draft(client: Client, submitter: int, number: int) -> str:
    """Fill in who is answering; return the private link's token."""
    page = _expect(client.get(START_PATH), 200, "start page")
    form = [
        ("organisation_name", f"Benchmark society {submitter}-{number}"),
        ("organisation_number", ""),
        ("municipality", "0764"),
        ("categories", "local_heritage"),
        ("contact_name", f"Bench Contact {submitter}"),
        ("contact_email", f"bench{submitter}-{number}@example.se"),
        ("may_publish_name", "yes"),
        ("nonce", hidden_value(page.body, "nonce")),
    ]
    reply = _expect(client.post(START_PATH, form), 303, "start")
    link = _DRAFT_LINK.match(reply.location)
    if link is None:
        raise FlowError(f"start: unexpected redirect to {reply.location!r}")
    return link.group(1)


def answer_sections(client: Client, token: str) -> int:
    """Save an answer to every question, section by section; return how many sections."""
    for number in count(1):
        path = f"/respond/{token}/s/{number}"
        page = client.get(path)
        if page.status == 404 and number > 1:
            return number - 1
        _expect(page, 200, f"section {number}")
        answers = answers_for(form_fields(page.body), f"Benchmark answer to section {number}")
        _expect(client.post(path, [*answers, ("action", "save")]), 200, f"save section {number}")
    raise AssertionError("unreachable")


def prepare_draft(client: Client, submitter: int, number: int) -> Draft:
    """Everything an organisation does before pressing "send", ending on the check page."""
    token = start_draft(client, submitter, number)
    answer_sections(client, token)
    check = _expect(client.get(f"/respond/{token}/check"), 200, "check page")
    return Draft(token, hidden_value(check.body, "nonce"))


def submit(client: Client, draft: Draft) -> Submission | None:
    """Press "send"; the submission counts only when the server acknowledges it."""
    began = time.perf_counter()
    reply = client.post(f"/respond/{draft.token}/submit", [("nonce", draft.submit_nonce)])
    latency = time.perf_counter() - began
    if reply.status == 303 and reply.location == f"/respond/{draft.token}/confirmation/1":
        return Submission(draft.token, latency)
    return None


def post_baseline(client: Client) -> Submission | None:
    """One POST to the bare baseline app, with a nonce as long as KICK's."""
    began = time.perf_counter()
    reply = client.post("/submit", [("nonce", secrets.token_urlsafe(24))])
    latency = time.perf_counter() - began
    if reply.status == 303 and reply.location.startswith("/submissions/"):
        return Submission(reply.location, latency)
    return None
