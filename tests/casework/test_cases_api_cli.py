# ruff: noqa: F811  (pytest fixtures imported from life_helpers)
"""``doudi cases``: list, show, a change, a decision, a death, a move, the daily pass; scope by ``--as``."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.casework.life_helpers import case  # noqa: F401
from tests.conftest import YANJI_T2

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("cases", *args, stdout=out)
    return out.getvalue()


def test_list_show_change_decide(case, staff):
    t, c = staff["township"].username, staff["county"].username
    listed = run("list", "--as", t)
    assert listed.splitlines()[-1] == "cases: 1" and f"{case.pk}\tDIBAO\tactive\t在保" in listed
    assert run("list", "--as", staff["other_township"].username).splitlines() == ["cases: 0"]
    shown = json.loads(run("show", str(case.pk), "--as", t))
    assert shown["id"] == case.pk and shown["decisions"][0]["kind"] == "confirm"
    with pytest.raises(CommandError):
        run("show", str(case.pk), "--as", staff["other_township"].username)
    out = run(
        "change",
        str(case.pk),
        "--as",
        t,
        "--on",
        "2026-12-01",
        "--field",
        "trigger=family",
        "--field",
        "detail=孙子出生",
        "--field",
        "change_type=birth",
    )
    review_id = out.split()[1]
    assert out.startswith("review: ") and " due " in out
    assert (
        run("decide", review_id, "unchanged", "--as", c, "--on", "2026-12-02").strip()
        == f"review: {review_id} decided unchanged"
    )
    with pytest.raises(CommandError) as err:
        run("decide", review_id, "unchanged", "--as", c, "--on", "2026-12-02")
    assert err.value.returncode == 3


def test_move_death_and_tick(case, staff, family):
    t = staff["township"].username
    assert run("move", str(case.pk), "--to", YANJI_T2, "--as", t, "--on", "2026-12-01").startswith("move: ")
    _, people = family
    out = run("death", str(people[0].pk), "--died-on", "2026-12-02", "--source", "hukou")
    assert out.startswith("death: ")
    lines = run("tick", "--date", "2026-12-03").splitlines()
    assert "reviews_opened: 0" in lines and any(x.startswith("grace_ended") for x in lines)
