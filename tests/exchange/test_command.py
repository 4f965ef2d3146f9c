"""``doudi exchange import``: the summary, ``batch: ID`` as the last line, exit codes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from doudi.exchange.models import Batch

from .conftest import header_of, row_of, write_csv

pytestmark = pytest.mark.django_db
ARGS = ["exchange", "import", "--dataset", "disability", "--provider", "残联", "--as-of", "2025-01-31"]


def _run(*args) -> list[str]:
    out = io.StringIO()
    call_command(*ARGS[:2], *args, stdout=out)
    return out.getvalue().splitlines()


def test_summary_lines_and_the_batch_id_last(disability_csv):
    lines = _run(*ARGS[2:], str(disability_csv), "--workers", "1")
    b = Batch.unscoped.get()
    assert lines[-1] == f"batch: {b.pk}"
    assert lines[:3] == ["rows read: 5", "loaded: 3", "rejected: 2"]
    assert "rejected 残疾等级应在 1–4 之间: 1" in lines and "rejected 记录编号重复: 1" in lines
    assert "id upgraded15: 1" in lines


def test_the_same_file_again_names_the_earlier_batch(disability_csv):
    first = _run(*ARGS[2:], str(disability_csv))[-1]
    again = _run(*ARGS[2:], str(disability_csv))
    assert again[-1] == first and again[0].startswith("already received")
    assert Batch.unscoped.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--dataset", "nope"], "未知的数据类型"),
        (["--provider", "税务局"], "未知的报送部门"),
        (["--provider", "hrss"], "不能报送"),
        (["--as-of", "2025/01/31"], "日期格式"),
    ],  # fmt: skip
)
def test_usage_errors_exit_2(disability_csv, change, message):
    args = ARGS[2:] + change
    with pytest.raises(CommandError, match=message) as err:
        _run(*args, str(disability_csv))
    assert err.value.returncode == 2 and not Batch.unscoped.exists()


def test_unreadable_or_incomplete_files_exit_2(tmp_path):
    with pytest.raises(CommandError, match="文件不存在") as err:
        _run(*ARGS[2:], str(tmp_path / "missing.csv"))
    assert err.value.returncode == 2
    bad = write_csv(tmp_path / "bad.csv", ["record_id", "name"], [["1", "张三"]])
    out = io.StringIO()
    with pytest.raises(CommandError, match="缺少必需的列") as err:
        call_command(*ARGS, str(bad), stdout=out)
    assert err.value.returncode == 2
    assert out.getvalue().splitlines()[-1] == f"batch: {Batch.unscoped.get().pk}"


def test_the_real_command_line(tmp_path):
    """``uv run doudi exchange import …`` on a fresh embedded database: exit codes and last line."""
    from doudi import datasets

    ds = datasets.get("death")
    good = write_csv(
        tmp_path / "death.csv", header_of(ds), [row_of(ds, "D1"), row_of(ds, "D2", died_on="昨天")]
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env["DOUDI_DATA_DIR"] = str(tmp_path / "data")
    root = Path(__file__).resolve().parents[2]
    uv = ["uv", "run", "--project", str(root), "doudi"] if _has_uv() else [sys.executable, "-m", "doudi"]
    init = subprocess.run([*uv, "init"], env=env, capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert init.returncode == 0, init.stderr
    cmd = [
        *uv,
        "exchange",
        "import",
        "--dataset",
        "death",
        "--provider",
        "public_security",
        "--as-of",
        "2025-01-31",
    ]
    ok = subprocess.run([*cmd, str(good)], env=env, capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert ok.returncode == 0, ok.stderr
    lines = ok.stdout.splitlines()
    assert (
        lines[-1].startswith("batch: ")
        and "loaded: 1" in lines
        and "rejected 死亡日期不是有效日期: 1" in lines
    )
    bad = subprocess.run(
        [*cmd, str(tmp_path / "none.csv")], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert bad.returncode == 2 and "文件不存在" in bad.stderr
    unknown = subprocess.run([*uv, "exchange", "import", "--dataset", "x", "--provider", "hrss", "--as-of",
                              "2025-01-31", str(good)], env=env, capture_output=True, text=True, cwd=tmp_path)  # fmt: skip
    assert unknown.returncode == 2


def _has_uv() -> bool:
    from shutil import which

    return which("uv") is not None
