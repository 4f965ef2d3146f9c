"""Letter numbers taken concurrently stay distinct and gap-free (the county counter row is locked)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from doudi.letters import actions
from doudi.letters.models import Letter
from doudi.regions.models import Region
from tests.conftest import YANJI_T1, YANJI_T2
from tests.letters.conftest import ON, confirmation_context


def _divisions() -> None:
    """The few regions a 延吉 letter names (written directly: the loader's audit rows would outlive a
    transactional test, whose teardown cannot delete the append-only log)."""
    rows = [
        ("220000000000", "吉林省", "province", None, "22"),
        ("222400000000", "延边朝鲜族自治州", "city", "220000000000", "2224"),
        ("222401000000", "延吉市", "county", "222400000000", "222401"),
        (YANJI_T1, "进学街道", "township", "222401000000", YANJI_T1[:9]),
        (YANJI_T2, "北山街道", "township", "222401000000", YANJI_T2[:9]),
    ]
    for code, name, level, parent, prefix in rows:
        Region.objects.create(
            code=code, name=name, level=level, parent_id=parent, prefix=prefix, full_name=name
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_distinct_sequential_numbers(monkeypatch):
    monkeypatch.setattr(actions, "render_pdf", lambda html: b"%PDF-1.7 test")  # numbering only
    monkeypatch.setattr(actions, "record_audit", lambda **kw: None)  # see _divisions
    _divisions()
    user = "test"
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def worker(region: str) -> None:
        try:
            start.wait()
            for _ in range(3):
                actions.issue_letter(
                    actor=user,
                    kind="confirmation",
                    region_code=region,
                    context=confirmation_context(),
                    on=ON,
                )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(r,)) for r in (YANJI_T1, YANJI_T2, YANJI_T1, YANJI_T2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Letter.unscoped.values_list("number", flat=True))
    assert numbers == [f"吉延吉救〔2026〕第{i:06d}号" for i in range(1, 13)]
