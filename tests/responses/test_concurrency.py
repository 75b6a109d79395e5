"""A submit sent twice at once, against a real threaded HTTP server, makes one version."""

from __future__ import annotations

import http.client
import threading
from urllib.parse import urlencode

from sqlalchemy import func, select
from werkzeug.serving import make_server

from kick_forms.extensions import db
from kick_forms.models import OutboxMessage, ResponseVersion
from tests.responses.conftest import nonce_on, start


def _post(port: int, path: str, body: dict[str, str]) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(
        "POST", path, urlencode(body), {"Content-Type": "application/x-www-form-urlencoded"}
    )
    reply = connection.getresponse()
    reply.read()
    connection.close()
    return reply.status, reply.getheader("Location", "")


def test_concurrent_identical_submits_make_one_version(app, client, consultation):
    questions = {q.label: q for q in consultation.questions}
    token = start(client)
    client.post(f"/respond/{token}/s/1", data={f"q-{questions['Ort'].id}": "Tingsryd"})
    client.post(f"/respond/{token}/s/2", data={f"q-{questions['Hur väl?'].id}": "5"})

    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        for round_number in range(1, 6):
            nonce = nonce_on(client.get(f"/respond/{token}/check").get_data(as_text=True))
            barrier = threading.Barrier(2)
            results: list[tuple[int, str]] = []

            def submit(nonce=nonce, barrier=barrier, results=results) -> None:  # type: ignore[no-untyped-def]
                barrier.wait()
                results.append(
                    _post(server.server_port, f"/respond/{token}/submit", {"nonce": nonce})
                )

            threads = [threading.Thread(target=submit) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert [status for status, _ in results] == [303, 303]
            assert results[0][1] == results[1][1]
            db.session.commit()
            versions = db.session.scalar(select(func.count()).select_from(ResponseVersion))
            assert versions == round_number
    finally:
        server.shutdown()
        serving.join()
    receipts = db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.subject.like("Kvitto%"))
    )
    assert receipts == 5
