"""``doudi needs push|list|export|answer``."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command

from doudi.core.scoping import all_regions

D = dt.date


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("needs", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_push_list_export_answer(walk, depts, student_family, tmp_path):
    from doudi.monitoring.models import NeedPush
    from doudi.registry import actions

    hh, people, child = student_family
    # categories set by hand (no case): the daily pass finds the household and pushes once
    with all_regions():
        for p in [*people, child]:
            actions.set_category(
                actor="test", person=p, category="DIBAO", since=D(2026, 1, 1), source="roster"
            )
    out, _ = _run("push", "--date", "2026-12-01")
    assert "教育" in out and out.strip().splitlines()[-1] != "pushed: 0"
    assert _run("push", "--date", "2026-12-01")[0].strip().splitlines()[-1] == "pushed: 0"
    listed, _ = _run("list", "--as", depts["education"].username)
    lines = listed.strip().splitlines()
    assert lines[-1] == "needs: 1" and "崔小明" in lines[0] and "教育救助" in lines[0]
    push_id = lines[0].split("\t")[0]
    xlsx = tmp_path / "needs.xlsx"
    assert (
        _run("export", "--as", depts["education"].username, "--out", str(xlsx))[0]
        .strip()
        .endswith("needs: 1")
    )
    assert xlsx.stat().st_size > 0
    answers = tmp_path / "answers.csv"
    answers.write_text(f"需求编号,答复,说明\n{push_id},受理,已受理\n12345678,受理,\n", encoding="utf-8")
    out, err = _run("answer", "--as", depts["education"].username, "--file", str(answers))
    assert out.strip().endswith("answered: 1") and "第 3 行" in err
    with all_regions():
        assert NeedPush.unscoped.get(pk=int(push_id)).status == "accepted"
