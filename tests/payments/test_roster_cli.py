"""``doudi rosters …``: list, the steps as a user (maker ≠ checker), bank file and return, summaries;
exit codes 2 (input / not found) and 3 (state)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.payments.models import MonthlySummary, Roster
from tests.payments import bank_fixtures

world = bank_fixtures.world
pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("rosters", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_the_whole_way_from_the_command_line(world, tmp_path):
    w = world
    rid = w.rosters["yanji"].pk
    town, county, county2 = (w.staff[k].username for k in ("township", "county", "county2"))
    listed = run("list", "--as", county)
    assert listed.splitlines()[-1] == "rosters: 1" and "\tdraft\t草稿\t" in listed
    assert run("list").splitlines()[-1] == "rosters: 2"
    assert run("lock", rid, "--as", county) == "state: locked\n"
    with pytest.raises(CommandError) as exc:
        run("approve", rid, "--as", county)
    assert exc.value.returncode == 2
    assert run("approve", rid, "--as", county2) == "state: approved\n"
    with pytest.raises(CommandError) as exc:
        run("approve", rid, "--as", county2)
    assert exc.value.returncode == 3
    run("release", rid, "--as", county2)
    out = run("bank-file", rid, "--as", county2, "--out", tmp_path / "bank.xlsx")
    checksum = out.splitlines()[-1].split(": ")[1]
    assert "rows: 2" in out and (tmp_path / "bank.xlsx").exists()
    assert run("send", rid, "--as", county2, "--ref", "YKT-1", "--checksum", checksum) == "state: sent\n"
    from doudi.core.scoping import all_regions
    from doudi.payments import bankfile

    with all_regions():
        refs = [r[1] for r in bankfile.rows(Roster.unscoped.get(pk=rid))]
    ret = tmp_path / "return.csv"
    ret.write_text(
        "付款标识,结果,原因,到账日期\n" + "\n".join(f"{x},成功,,2026-12-11" for x in refs) + "\nbad,成功,,\n"
    )
    out = run("bank-return", rid, "--as", county2, "--file", ret)
    assert "paid: 4" in out and "problems: 1" in out and out.endswith("state: reconciled\n")
    assert run("close", rid, "--as", county2) == "state: closed\n"
    assert run("summaries", "--month", "2026-12").startswith("summaries: ")
    assert MonthlySummary.unscoped.filter(level="province").exists()


def test_unlock_needs_a_reason_and_scope_is_the_users(world):
    w = world
    rid = w.rosters["yanji"].pk
    run("lock", rid, "--as", w.staff["township"].username)
    with pytest.raises(CommandError) as exc:
        run("unlock", rid, "--as", w.staff["township"].username)
    assert exc.value.returncode == 2
    assert (
        run("unlock", rid, "--as", w.staff["township"].username, "--reason", "漏报死亡") == "state: draft\n"
    )
    with pytest.raises(CommandError, match="不存在") as exc:
        run("lock", rid, "--as", w.staff["other_county"].username)
    assert exc.value.returncode == 2
