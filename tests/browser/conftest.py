"""Browser tests: the real server in a subprocess, driven by Playwright and Debian's chromium.

pytest-django's ``live_server`` is not used: its transactional flush deletes rows, which the audit
table's triggers refuse. Instead one session-wide server runs ``doudi init``, the demo seed (when
it works), the known accounts and households of ``seed_browser.py``, then ``doudi runserver``, all on
a temporary data directory — and, when ``DATABASE_URL`` is set, on a throwaway PostgreSQL database.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the project's environment: what `uv run doudi` runs


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], env: dict, what: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        raise RuntimeError(f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


class _PostgresDatabase:
    """A throwaway database on the server named by DATABASE_URL, dropped at the end."""

    def __init__(self, url: str) -> None:
        self.name = f"doudi_browser_{os.getpid()}"
        parts = urlsplit(url)
        self.admin_url = urlunsplit(parts._replace(path="/postgres"))  # the maintenance database
        self.url = urlunsplit(parts._replace(path="/" + self.name))

    def _execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def create(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _demo_seed(env: dict) -> bool:
    listed = _run([str(BIN / "doudi"), "help", "--commands"], env, "doudi help", check=False)
    if "demo" not in listed.stdout.split():
        return False
    result = _run([str(BIN / "doudi"), "demo", "seed", "--households", "40"], env, "demo seed", check=False)
    if result.returncode != 0:
        warnings.warn(
            "doudi demo seed failed; the browser tests run on their own seed only:\n"
            + result.stderr.strip().splitlines()[-1],
            stacklevel=1,
        )
        return False
    return True


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Base URL of a running Doudi server with the browser-test data."""
    data_dir = tmp_path_factory.mktemp("doudi-browser")
    env = {**os.environ, "DOUDI_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "doudi.settings"}
    env.pop("DOUDI_DEBUG", None)
    pg = _PostgresDatabase(os.environ["DATABASE_URL"]) if os.environ.get("DATABASE_URL") else None
    if pg:
        pg.create()
        env["DATABASE_URL"] = pg.url
    proc = None
    log = (data_dir / "server.log").open("w")
    try:
        _run([str(BIN / "doudi"), "init"], env, "doudi init")
        _demo_seed(env)
        _run([sys.executable, str(Path(__file__).with_name("seed_browser.py"))], env, "browser seed")
        port = _free_port()
        proc = subprocess.Popen(
            [str(BIN / "doudi"), "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/login/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start:\n" + (data_dir / "server.log").read_text())
            time.sleep(0.3)
        yield base
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()
        if pg:
            pg.drop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian chromium is missing: apt-get install -y chromium fonts-noto-cjk (make system-deps)"
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class ConsoleWatch:
    """Collects console errors and page errors (a CSP violation shows up as a console error)."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on(
            "response",
            lambda r: self.errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None,
        )

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors


def _new_page(browser, base: str, **context_args):
    context = browser.new_context(base_url=base, locale="zh-CN", timezone_id="Asia/Shanghai", **context_args)
    context.set_default_timeout(15_000)
    page = context.new_page()
    return context, page, ConsoleWatch(page)


@pytest.fixture
def desktop(browser, server):
    context, page, watch = _new_page(browser, server, viewport={"width": 1280, "height": 900})
    yield page, watch
    context.close()


@pytest.fixture
def phone(browser, server):
    context, page, watch = _new_page(
        browser,
        server,
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    yield page, watch
    context.close()
