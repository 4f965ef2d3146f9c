"""The production server: ``/healthz`` for the load balancer, and gunicorn serving pages and static files
with the project's own configuration (the command ``make serve``, the Procfile and the systemd unit run)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.db.utils import OperationalError


@pytest.mark.django_db
def test_health_is_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_is_503_when_the_database_fails(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, sql, params=None):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_health_refuses_writes(client):
    assert client.post("/healthz").status_code == 405


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_gunicorn_serves_health_pages_and_static_files(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DOUDI_DEBUG"}}
    env.update(
        DOUDI_DATA_DIR=str(tmp_path / "data"),
        DOUDI_BIND=f"127.0.0.1:{port}",
        DOUDI_WEB_WORKERS="1",
        DOUDI_ACCESS_LOG=str(tmp_path / "access.log"),
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "doudi.wsgi:application", "-c", "python:doudi.gunicorn_conf"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200 and b'"ok"' in body
        status, body = _get(f"http://127.0.0.1:{port}/static/doudi/css/doudi.css")
        assert status == 200 and len(body) > 100
        status, body = _get(f"http://127.0.0.1:{port}/login/?next=/secret-query")
        assert status == 200 and "登录".encode() in body
        # debug is off: an unknown page is the Chinese 404 page, not Django's debug page
        status, body = _get(f"http://127.0.0.1:{port}/no-such-page/")
        assert status == 404 and b"Page not found" not in body
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    log = (tmp_path / "access.log").read_text()
    assert "GET /login/" in log
    assert "secret-query" not in log  # the access log keeps paths only, never query strings


def test_behind_tls_the_health_check_is_not_redirected(tmp_path):
    """With DOUDI_HTTPS=1 plain HTTP is redirected to HTTPS — except /healthz, which the load balancer
    probes on the private address."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "print(c.get('/healthz').status_code, c.get('/login/').status_code)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOUDI_") and k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="doudi.settings",
        DOUDI_DATA_DIR=str(tmp_path),
        DOUDI_HTTPS="1",
        DOUDI_ALLOWED_HOSTS="testserver",
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "301"]
