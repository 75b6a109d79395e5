"""The shipped nginx site answers only its own host name: any other gets nothing, over HTTP (the
connection is closed, 444) and over HTTPS (the handshake is refused).

Runs where nginx and openssl are installed (``make scale`` installs nginx-light); the site is
the one in deploy/, on local ports, with a throwaway certificate.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port

NGINX = "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx" / "kick-forms.conf"
NAME = "kick.example.se"

pytestmark = pytest.mark.skipif(
    not os.access(NGINX, os.X_OK) or shutil.which("openssl") is None,
    reason="nginx and openssl are not installed",
)


def _site(workdir: Path, http_port: int, https_port: int, upstream: int) -> str:
    """The deploy site with local ports, a throwaway certificate and logs in ``workdir``."""
    site = SITE.read_text()
    for old, new in [
        ("/etc/ssl/kick-forms/fullchain.pem", str(workdir / "cert.pem")),
        ("/etc/ssl/kick-forms/privkey.pem", str(workdir / "key.pem")),
        ("/var/log/nginx/kick-forms.error.log", str(workdir / "error.log")),
        ("127.0.0.1:8000;", f"127.0.0.1:{upstream};"),
        ("listen 80", f"listen 127.0.0.1:{http_port}"),
        ("listen 443", f"listen 127.0.0.1:{https_port}"),
    ]:
        assert old in site, old
        site = site.replace(old, new)
    return "\n".join(line for line in site.splitlines() if "listen [::]" not in line)


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[tuple[int, int]]:
    subprocess.run(  # noqa: S603  fixed command
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",  # noqa: S607
         "-subj", f"/CN={NAME}", "-keyout", str(tmp_path / "key.pem"),
         "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    http_port, https_port = free_port(), free_port()
    temp = " ".join(
        f"{kind}_temp_path {tmp_path / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"daemon off;\npid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\n"
        f"events {{}}\nhttp {{\ninclude /etc/nginx/mime.types;\n{temp}\n"
        f"{_site(tmp_path, http_port, https_port, free_port())}\n}}\n"
    )
    command = [NGINX, "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")]
    process = subprocess.Popen(command, stderr=subprocess.PIPE)  # noqa: S603
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield http_port, https_port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _get(connection: http.client.HTTPConnection, host: str) -> int:
    connection.request("GET", "/healthz", headers={"Host": host})
    status = connection.getresponse().status
    connection.close()
    return status


def _tls(port: int, server_name: str) -> http.client.HTTPSConnection:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=5)
    connection.sock = context.wrap_socket(
        socket.create_connection(("127.0.0.1", port), timeout=5), server_hostname=server_name
    )
    return connection


def test_the_site_answers_its_own_name_and_nothing_else(nginx):
    http_port, https_port = nginx
    plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=5)
    assert _get(plain, NAME) == 301
    for host in ("evil.example", "127.0.0.1", "kick.example.se.evil.example"):
        with pytest.raises(http.client.RemoteDisconnected):
            _get(http.client.HTTPConnection("127.0.0.1", http_port, timeout=5), host)

    # Its own name over TLS reaches the proxy (502: no app server behind it in this test).
    assert _get(_tls(https_port, NAME), NAME) == 502
    # A certificate for another name is never shown.
    with pytest.raises(ssl.SSLError):
        _tls(https_port, "evil.example")
    # The right name in the handshake and another in the Host header: nothing either.
    with pytest.raises(http.client.RemoteDisconnected):
        _get(_tls(https_port, NAME), "evil.example")
