"""``doudi tempaid``: list with deadlines, pay first, back-fill, approve, fund months, export; exit codes."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import YANJI_T1
from tests.tempaid.conftest import DAY, apply_fire

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("tempaid", *args, stdout=out)
    return out.getvalue()


def test_cli_round_trip(world, tmp_path):
    w = world
    case = apply_fire(w, on=DAY)
    user = w.staff["township"].username
    assert case.number in run("list", "--as", user)
    with pytest.raises(CommandError) as err:
        run("approve", case.number, "--amount", "900", "--as", user)
    assert err.value.returncode == 3
    out = run("pay-first", case.number, "--amount", "700", "--as", user, "--on", str(DAY))
    assert "paid_first: 700" in out
    for kind in ("statement", "verify", "investigate"):
        out = run("step", case.number, kind, "--note", "已核实", "--as", user, "--on", str(DAY))
    assert "state: ready" in out
    assert "authority: township" in run(
        "approve", case.number, "--amount", "1500", "--as", user, "--on", str(DAY)
    )
    assert "balance: 4300" in run("fund", "--township", YANJI_T1, "--year", "2026")
    assert run("list", "--show", "approved").strip().endswith("cases: 1")
    path = tmp_path / "ta.xlsx"
    assert "cases: 1" in run("export", "--out", str(path))
    assert path.read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError) as err:
        run("pay-first", "LS-NONE", "--amount", "1", "--as", user)
    assert err.value.returncode == 2
