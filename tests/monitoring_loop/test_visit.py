"""R-M14 home verification: the visit record, its checks, facts into the registry (source home_visit),
member changes, photos."""

from __future__ import annotations

import datetime as dt
import struct
import zlib

import pytest

from doudi.core.scoping import all_regions, using_scope
from doudi.monitoring.loop import base, visit_actions
from doudi.monitoring.models import EarlyWarning, Visit, VisitPhoto
from doudi.registry.models import Person

pytestmark = pytest.mark.django_db


def tiny_png() -> bytes:
    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"\x00\xff\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _person(key):
    with all_regions():
        return Person.objects.get(person_key=key)


def test_visit_facts_land_in_the_registry_as_home_visit_facts(raise_on, loop, staff, media):
    from doudi.registry.queries import household_as_of

    w = loop.to("assigned", raise_on("H-YJ1"))
    head, spouse = _person("P-YJ1-1"), _person("P-YJ1-2")
    visited = w.raised_on + dt.timedelta(days=1)
    visit = loop.visit(
        w,
        visited_on=visited,
        updated_facts=[
            {
                "scope": "person",
                "id": head.pk,
                "kind": "serious_illness",
                "value": {"flag": True, "disease": "尿毒症"},
            },
            {
                "scope": "person",
                "id": spouse.pk,
                "kind": "disability",
                "value": {"kind": "physical", "grade": "2"},
            },
            {"scope": "person", "id": spouse.pk, "kind": "employment", "value": {"employed": False}},
            {"scope": "household", "id": None, "kind": "income", "value": {"total": "9600"}},
        ],
        photos=[("门口.png", tiny_png())],
    )
    w.refresh_from_db()
    assert (w.status, w.verified_on) == (EarlyWarning.Status.VERIFIED, visited)
    with all_regions():
        snap = household_as_of(w.household, visited)
        before = household_as_of(w.household, visited - dt.timedelta(days=1))
    facts = {m.person.person_key: m.facts for m in snap.members}
    illness = facts["P-YJ1-1"]["serious_illness"]
    assert illness.source == "home_visit" and illness.source_ref == f"visit:{visit.pk}"
    assert illness.data() == {"flag": True, "disease": "尿毒症"}
    assert illness.sensitive  # encrypted at rest like every health fact
    assert facts["P-YJ1-2"]["disability"].data() == {"kind": "physical", "grade": 2}
    assert facts["P-YJ1-2"]["employment"].data() == {"employed": False}
    assert snap.facts["income"].data() == {"total": 9600, "months": 12}
    assert snap.facts["income"].source == "home_visit"
    assert "serious_illness" not in {k for m in before.members for k in m.facts}  # dated from the visit
    photo = VisitPhoto.unscoped.get(visit=visit)
    assert photo.file.read() == tiny_png() and photo.file.name.startswith("visits/")


def test_member_changes_go_through_the_registry(raise_on, loop, media):
    w = loop.to("assigned", raise_on("H-YJ1"))
    spouse = _person("P-YJ1-2")
    loop.visit(
        w,
        member_changes=[
            {"change": "left", "person_id": spouse.pk, "reason": "去世"},
            {
                "change": "joined",
                "name": "金小花",
                "relation": "grandchild",
                "id_number": "",
                "birth_date": "2015-04-01",
            },
        ],
    )
    from doudi.registry.queries import household_as_of

    with all_regions():
        names = {m.person.name for m in household_as_of(w.household, w.raised_on).members}
        newcomer = Person.objects.get(name="金小花")
        assert newcomer.memberships.get().source == "home_visit"
    assert names == {"金明哲", "金小花"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"visitors": ["张网格"]}, "至少两人"),
        ({"visitors": ["张网格", "张网格"]}, "至少两人"),
        ({"findings": " "}, "核查情况"),
        ({"visited_on": dt.date(2099, 1, 1)}, "晚于今天"),
        ({"visited_on": dt.date(2020, 1, 1)}, "早于预警"),
        ({"photos": [("a.txt", b"hello")]}, "不是图片"),
        ({"photos": [("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024))]}, "超过"),
        (
            {"updated_facts": [{"scope": "person", "id": 999999, "kind": "employment", "value": {}}]},
            "现有成员",
        ),
        ({"updated_facts": [{"scope": "person", "id": None, "kind": "own_assets", "value": {}}]}, "现有成员"),
        ({"updated_facts": [{"scope": "household", "kind": "income", "value": {"total": "很多"}}]}, "数字"),
    ],
)
def test_a_bad_visit_is_refused_and_nothing_is_written(raise_on, loop, media, change, message):
    w = loop.to("assigned", raise_on("H-YJ1"))
    with pytest.raises(base.MonitoringError, match=message):
        loop.visit(w, **change)
    w.refresh_from_db()
    assert w.status == EarlyWarning.Status.ASSIGNED
    assert not Visit.unscoped.exists()
    assert not list(media.rglob("*.*")) if media.exists() else True


def test_photos_are_served_only_inside_the_scope(raise_on, loop, staff, media, client):
    w = loop.to("assigned", raise_on("H-YJ1"))
    visit = loop.visit(w, photos=[("p.png", tiny_png())])
    photo = VisitPhoto.unscoped.get(visit=visit)
    url = f"/monitoring/photos/{photo.pk}/"
    assert client.get(url).status_code == 302  # login first
    client.force_login(staff["t1"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == tiny_png()
    client.force_login(staff["t2"])
    assert client.get(url).status_code == 404
    client.force_login(staff["ng_county"])
    assert client.get(url).status_code == 404


def test_a_township_caseworker_may_record_the_visit_too(raise_on, loop, staff, media):
    w = loop.to("assigned", raise_on("H-YJ1"))
    with using_scope(staff["t1"].region_id):
        visit_actions.record_visit(
            actor=staff["t1"],
            warning=w,
            visited_on=w.raised_on,
            visitors=["王经办", "李协理"],
            findings="家中无人，邻居反映已外出务工",
            hardship_found=False,
        )
    w.refresh_from_db()
    assert w.status == EarlyWarning.Status.VERIFIED
