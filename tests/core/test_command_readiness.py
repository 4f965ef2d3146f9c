"""The ``doudi`` command on a data directory where ``doudi init`` has not run: one Chinese line, exit 2,
no traceback; commands that create the database still run."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def doudi(data_dir, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env["DOUDI_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "doudi", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize(
    "args",
    [("assess", "-"), ("monitor", "run"), ("audit", "verify"), ("token", "create", "nobody")],
)
def test_data_commands_on_an_empty_data_directory_say_run_init(tmp_path, args):
    result = doudi(tmp_path / "fresh", *args, stdin='{"version": 1}')
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == ["数据目录尚未初始化，请先运行 ./doudi init（或 make demo）。"]


def test_help_and_showmigrations_need_no_initialised_database(tmp_path):
    result = doudi(tmp_path / "fresh", "help", "assess")
    assert result.returncode == 0, result.stderr
    assert "assess" in result.stdout
    result = doudi(tmp_path / "fresh", "showmigrations", "regions")
    assert result.returncode == 0, result.stderr


def test_an_unreachable_database_is_one_chinese_line(tmp_path):
    env_url = "postgresql://nobody@127.0.0.1:1/none"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DOUDI_DATA_DIR=str(tmp_path / "d"), DATABASE_URL=env_url)
    result = subprocess.run(
        [sys.executable, "-m", "doudi", "assess", "-"],
        input="{}",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("无法连接数据库")
