"""``doudi casework list|show|open|event|tick``: the contract's JSON from ``show``, paper files entered
with their dates, fields as key=value, exit 2 for bad input and 3 for a state conflict (once through a
real ``doudi`` process for the exit codes)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.casework.models import Application, Step
from doudi.core import idnumber
from doudi.core.scoping import all_regions
from tests.conftest import YANJI_T1

pytestmark = pytest.mark.django_db
D = dt.date
ROOT = Path(__file__).resolve().parents[2]


def run(*args, stdin: str | None = None) -> str:
    out = io.StringIO()
    if stdin is not None:
        old, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        call_command("casework", *args, stdout=out)
    finally:
        if stdin is not None:
            sys.stdin = old
    return out.getvalue()


def fails(*args) -> tuple[int, str]:
    with pytest.raises(CommandError) as exc:
        run(*args)
    return exc.value.returncode, str(exc.value)


def test_show_prints_the_contract_json(walk, staff):
    app = walk.to_notice()
    data = json.loads(run("show", str(app.pk), "--as", staff["township"].username))
    assert data["id"] == app.pk and data["state"] == "in_notice" and data["household_id"] == walk.household.pk
    assert {"channel", "received_on", "accepted_on", "history", "deadlines", "proposal", "letters"} <= set(
        data
    )
    assert [h["state"] for h in data["history"]][:2] == ["submitted", "accepted"]
    assert data["proposal"]["household_category"] == "DIBAO" and data["letters"][0]["kind"] == "受理回执"
    assert json.loads(run("show", str(app.pk))) == data  # an operator without --as reads the same


def test_a_paper_file_through_the_command_line(walk, staff):
    who = staff["township"].username
    out = run("open", "--as", who, "--household", str(walk.household.pk), "--on", "2026-11-02")
    assert out.startswith("application: ")
    app_id = int(out.split()[1])
    app = walk.authorize(Application.unscoped.get(pk=app_id))
    assert run("event", str(app_id), "accept", "--as", who, "--on", "2026-11-02").strip() == "state: accepted"
    assert run("event", str(app_id), "record_verification", "--as", who, "--on", "2026-11-03", "--field",
               "result=pass").strip() == "state: verified_pass"  # fmt: skip
    capacity = json.dumps({str(p.pk): "none" for p in walk.people})
    out = run("event", str(app_id), "record_investigation", "--as", who, "--on", "2026-11-04",
              "--field", "investigators=朴志勇,金美兰", "--field", "findings=两位老人，收入仅靠少量养老金",
              "--field", f"labour_capacity={capacity}", "--field", "members_signed=false",
              "--field", "refusal_to_sign=韩顺姬因病未能签字")  # fmt: skip
    assert out.strip() == "state: assessed"
    with all_regions():
        step = Step.objects.get(application_id=app_id, event="record_investigation")
        from doudi.casework.models import Investigation

        inv = Investigation.objects.get(application_id=app_id)
    assert step.on == D(2026, 11, 4) and inv.investigators == ["朴志勇", "金美兰"]
    assert inv.members_signed is False and set(inv.labour_capacity.values()) == {"none"}
    listing = run("list", "--as", who).splitlines()
    assert listing[-1] == "applications: 1" and listing[0].split("\t")[:3] == [
        str(app_id),
        app.number,
        "assessed",
    ]
    assert run("list", "--state", "confirmed").splitlines() == ["applications: 0"]


def test_bad_input_is_exit_2_and_a_state_conflict_exit_3(walk, staff):
    who = staff["township"].username
    app = walk.open()
    assert fails("event", str(app.pk), "confirm", "--as", staff["county"].username)[0] == 3
    code, message = fails("event", str(app.pk), "return", "--as", who, "--on", "2099-01-01")
    assert code == 2 and "不能晚于今天" in message
    stale = fails("event", str(app.pk), "return", "--as", who, "--expect-version", str(app.version + 5))
    assert stale[0] == 3 and "已被他人更新" in stale[1]
    assert fails("event", str(app.pk), "fly", "--as", who)[0] == 2
    assert fails("event", str(app.pk), "accept")[0] == 2  # no --as
    assert fails("event", str(app.pk), "accept", "--as", "nobody")[0] == 2
    assert fails("event", str(app.pk), "withdraw", "--as", who, "--field", "reason")[0] == 2
    assert fails("show", "x")[0] == 2
    assert fails("open", "--as", who, "--household", str(walk.household.pk), "--on", "2026-13-01")[0] == 2
    # the same household twice: one open application covers every tier (R-W1)
    assert fails("open", "--as", who, "--household", str(walk.household.pk))[0] == 3
    # a warning turned into an application needs the family's consent (R-W19c)
    walk.event(app, "withdraw", D(2026, 11, 3), reason="重新申请")
    code, message = fails("open", "--as", who, "--household", str(walk.household.pk), "--channel", "warning")
    assert code == 2 and "R-W19c" in message
    out = run("open", "--as", who, "--household", str(walk.household.pk), "--channel", "warning",
              "--field", "consent.given_by=崔永浩", "--field", "consent.method=paper")  # fmt: skip
    with all_regions():
        assert Application.objects.get(pk=int(out.split()[1])).consent["given_by"] == "崔永浩"


def test_a_new_household_from_json(staff):
    head = idnumber.make("222401", D(1958, 4, 2), 310, male=True)
    household = {
        "region_code": YANJI_T1,
        "area_type": "urban",
        "members": [{"name": "金成哲", "id_number": head, "relation": "head", "sex": "M"}],
    }
    out = run("open", "--as", staff["township"].username, "--new-household", "-", stdin=json.dumps(household))
    with all_regions():
        app = Application.objects.get(pk=int(out.split()[1]))
    assert app.applicant_name == "金成哲" and app.state == "submitted"
    household["members"][0]["id_number"] = "123"
    code, message = fails_stdin(staff, json.dumps(household))
    assert code == 2 and "members.0.id_number" in message


def fails_stdin(staff, text: str) -> tuple[int, str]:
    with pytest.raises(CommandError) as exc:
        run("open", "--as", staff["township"].username, "--new-household", "-", stdin=text)
    return exc.value.returncode, str(exc.value)


def test_tick_reports_escalations_and_lapses(walk):
    app = walk.open(on=D(2026, 10, 8))
    walk.event(app, "return", D(2026, 10, 9), missing=["近6个月银行流水"])
    assert run("tick", "--date", "2026-11-08").splitlines() == ["escalated: 0", "lapsed: 0"]
    out = run("tick", "--date", "2026-11-09")  # 31 calendar days after the return
    assert out.splitlines() == ["escalated: 0", "lapsed: 1"]
    assert Application.unscoped.get(pk=app.pk).state == "lapsed"


def test_the_doudi_command_exits_2_and_3(tmp_path):
    """A real process on a data directory of its own: exit codes as documented."""
    env = {**os.environ, "DOUDI_DATA_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)

    def doudi(*args) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "doudi", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    init = doudi("init")
    assert init.returncode == 0, init.stderr
    head = idnumber.make("222401", D(1960, 1, 2), 320, male=True)
    household = tmp_path / "household.json"
    household.write_text(json.dumps({"region_code": YANJI_T1, "area_type": "urban",
                                     "members": [{"name": "金成哲", "id_number": head, "relation": "head"}]}))  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "doudi", "user", "create", "--username", "clerk", "--role", "township_caseworker",
         "--region", YANJI_T1, "--password", "Clerk-passw0rd!"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    opened = doudi(
        "casework", "open", "--as", "clerk", "--new-household", str(household), "--on", "2026-11-02"
    )
    assert opened.returncode == 0, opened.stderr
    app_id = opened.stdout.split()[1]
    bad = doudi("casework", "event", app_id, "return", "--as", "clerk", "--on", "2099-01-01")
    assert bad.returncode == 2 and "不能晚于今天" in bad.stderr
    conflict = doudi("casework", "event", app_id, "end_notice", "--as", "clerk")
    assert conflict.returncode == 3 and "不能" in conflict.stderr
    shown = doudi("casework", "show", app_id, "--as", "clerk")
    assert shown.returncode == 0 and json.loads(shown.stdout)["state"] == "submitted"
