"""``doudi charity``: the daily release, the list, the export and the summary."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from doudi.charity import claim_actions
from doudi.charity.models import Claim
from doudi.core.scoping import all_regions

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("charity", *args, stdout=out)
    return out.getvalue()


def test_release_expired_list_export_and_summary(make_need, people, charities, tmp_path):
    need = make_need(target="500")
    with all_regions():
        c = claim_actions.claim(actor=people["ch_prov"], need=need, amount="200")
    later = (c.locked_until + dt.timedelta(days=1)).isoformat()
    assert "released: 1" in _run("release-expired", "--date", later)
    assert Claim.unscoped.get(pk=c.pk).state == "released"
    listed = _run("list", "--as", people["township"].username)
    assert need.public_number in listed and "needs: 1" in listed
    assert "needs: 0" in _run("list", "--as", people["nanguan_town"].username)
    out = tmp_path / "needs.xlsx"
    assert "exported: 1" in _run("export", "--as", people["county"].username, "--out", str(out))
    assert out.read_bytes()[:2] == b"PK"
    assert "延吉市\t1\t0\t0" in _run("summary", "--as", people["county"].username)


def test_the_daily_job_releases_and_closes():
    from doudi.charity import apps
    from doudi.monitoring import schedule

    assert schedule._DAILY["charity"] is apps.daily
