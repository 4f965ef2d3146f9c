"""Fixtures for the linkage tests: a temporary store and a crafted registry + batch covering every stage
and the traps (namesakes, twins, ambiguous repairs, persons not in the registry)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import override_settings

from doudi.core import idnumber
from tests.support import store_records

D = dt.date
T1 = "222401001000"  # 延吉市 进学街道
T2 = "222401002000"  # 延吉市 北山街道
NG = "220102001000"  # 长春市 南关区 南岭街道

WANG = idnumber.make("222401", D(1980, 1, 2), 10, male=True)  # 王伟
LI = idnumber.make("222401", D(1990, 5, 5), 11, male=False)  # 李娜
ZHANG = idnumber.make("222401", D(1950, 6, 6), 12, male=True)  # 张三, registry holds the 15-digit form
TWIN_A = idnumber.make("222401", D(2010, 4, 4), 20, male=True)  # 刘明
TWIN_B = idnumber.make("222401", D(2010, 4, 4), 21, male=True)  # 刘亮
ZHOU = idnumber.make("222401", D(1988, 8, 8), 30, male=True)  # 周杰
SUN = idnumber.make("220102", D(1966, 2, 2), 40, male=False)  # 孙丽, registered twice
OUTSIDER = idnumber.make("222401", D(1980, 1, 2), 90, male=True)  # another 王伟, not in the registry
# a number ending in X (马丽), recorded with a lower-case x
XNUM = next(
    n for s in range(500) if (n := idnumber.make("222401", D(1977, 7, 7), s, male=False)).endswith("X")
)


def typo(number: str, pos: int) -> str:
    """One wrong digit at ``pos`` (0–16), so the number fails its check."""
    return number[:pos] + str((int(number[pos]) + 1) % 10) + number[pos + 1 :]


def bad_check(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


ZHOU_TYPO = bad_check(ZHOU)
# a second valid number one character from ZHOU_TYPO (same birth date: the sequence digit changes)
ZHOU_OTHER = next(c for c in idnumber.repair_candidates(ZHOU_TYPO) if c != ZHOU and c[:14] == ZHOU[:14])
FULLWIDTH = WANG.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def crafted_persons() -> list[dict]:
    P = store_records.person
    return [
        P(1, id_number=WANG, name="王伟", sex="M", region_code=T1),
        P(2, id_number=LI, name="李娜", sex="F", region_code=T1),
        P(3, name="赵刚", sex="M", birth_date=D(1970, 3, 3), region_code=T2),
        P(4, id_number=ZHANG[:6] + ZHANG[8:17], name="张三", sex="M", region_code=T1),
        P(5, id_number=TWIN_A, name="刘明", sex="M", region_code=T2),
        P(6, id_number=TWIN_B, name="刘亮", sex="M", region_code=T2),
        P(7, name="陈静", sex="F", birth_date=D(1985, 1, 1), region_code=T1),
        P(8, name="陈静", sex="F", birth_date=D(1986, 2, 2), region_code=T1),
        P(9, name="杨洋", sex="M", birth_date=D(1975, 7, 7), region_code=T1),
        P(10, name="杨洋", sex="M", birth_date=D(1975, 7, 7), region_code=T2),
        P(11, id_number=ZHOU, name="周杰", sex="M", region_code=T1),
        P(12, id_number=ZHOU_OTHER, name="周杰", sex="M", region_code=T1),
        P(13, id_number=SUN, name="孙丽", sex="F", region_code=NG),
        P(14, id_number=SUN, name="孙丽", sex="F", region_code=NG),
        P(15, id_number=XNUM, name="马丽", sex="F", region_code=T2),
    ]


@dataclass(frozen=True)
class Case:
    record_id: str
    fields: dict
    method: str
    person_id: int | None
    why: str


CASES = [
    Case("exact", {"id_number": WANG, "name": "王伟"}, "exact", 1, "same valid number"),
    Case("exact-dup", {"id_number": SUN, "name": "孙丽"}, "exact", 13, "registered twice: lowest id"),
    Case("fullwidth", {"id_number": FULLWIDTH, "name": "王伟"}, "exact", 1, "full-width digits fold"),
    Case("lower-x", {"id_number": XNUM[:17] + "x", "name": "马丽"}, "exact", 15, "lower-case x folds"),
    Case("nobody", {"name": "无名氏", "region_code": NG}, "none", None, "no number, no match"),
    Case("legacy15", {"id_number": WANG[:6] + WANG[8:17], "name": "王伟"}, "upgraded15", 1, "15→18"),
    Case("registry15", {"id_number": ZHANG, "name": "张三"}, "upgraded15", 4, "registry holds 15"),
    Case("repair", {"id_number": typo(LI, 15), "name": "李娜", "region_code": "222401"}, "repaired", 2, ""),
    Case("repair-homophone", {"id_number": bad_check(LI), "name": "李纳"}, "repaired", 2, "same pinyin"),
    Case("repair-ambiguous", {"id_number": ZHOU_TYPO, "name": "周杰", "region_code": T1}, "none", None, ""),
    Case(
        "missing-demographic",
        {"name": "赵刚", "sex": "M", "birth_date": D(1970, 3, 3), "region_code": T2},
        "demographic",
        3,
        "",
    ),
    Case(
        "namesake",
        {"name": "陈静", "sex": "F", "birth_date": D(1985, 1, 1), "region_code": T1},
        "demographic",
        7,
        "",
    ),
    Case(
        "namesake-other-birth",
        {"name": "陈静", "sex": "F", "birth_date": D(1987, 3, 3), "region_code": T1},
        "none",
        None,
        "namesakes with other birth dates",
    ),
    Case(
        "identical-namesakes",
        {"name": "杨洋", "sex": "M", "birth_date": D(1975, 7, 7), "region_code": "222401"},
        "none",
        None,
        "two persons qualify",
    ),
    Case(
        "twin-a",
        {"name": "刘明", "sex": "M", "birth_date": D(2010, 4, 4), "region_code": T2},
        "demographic",
        5,
        "",
    ),
    Case(
        "twin-b",
        {"name": "刘亮", "sex": "M", "birth_date": D(2010, 4, 4), "region_code": T2},
        "demographic",
        6,
        "",
    ),
    Case("twin-b-id", {"id_number": TWIN_B, "name": "刘亮"}, "exact", 6, ""),
    Case(
        "homophone",
        {"name": "王维", "sex": "M", "birth_date": D(1980, 1, 2), "region_code": T1},
        "probabilistic",
        1,
        "王伟/王维",
    ),
    Case(
        "homophone-li",
        {"name": "李纳", "sex": "F", "birth_date": D(1990, 5, 5), "region_code": T1},
        "probabilistic",
        2,
        "李娜/李纳",
    ),
    Case(
        "outsider",
        {"id_number": OUTSIDER, "name": "王伟", "sex": "M", "birth_date": D(1980, 1, 2), "region_code": T1},
        "none",
        None,
        "another valid number: another person",
    ),
]


def crafted_records() -> list[dict]:
    return [store_records.record(c.record_id, **c.fields) for c in CASES]


@pytest.fixture
def store_dir(tmp_path, settings):
    settings.DOUDI_STORE_DIR = tmp_path / "store"
    return settings.DOUDI_STORE_DIR


@pytest.fixture(scope="module")
def module_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("store")
    with override_settings(DOUDI_STORE_DIR=path):
        yield path
