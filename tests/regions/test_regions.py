"""Division tree: shipped load, nesting by prefix, administrator additions."""

import pytest

from doudi.core.models import AuditEvent
from doudi.core.scoping import all_regions, is_within, prefix_of
from doudi.regions import actions, queries
from doudi.regions.models import Region

from ..conftest import NANGUAN_T1, YANJI, YANJI_T1


def test_prefixes():
    assert prefix_of("220000000000") == "22"
    assert prefix_of("222400000000") == "2224"
    assert prefix_of("222401000000") == "222401"
    assert prefix_of("222401001000") == "222401001"
    assert prefix_of("222401001201") == "222401001201"
    assert prefix_of("222401") == "222401"
    assert is_within(YANJI_T1, YANJI) and not is_within(NANGUAN_T1, YANJI)
    assert is_within(YANJI, YANJI) and not is_within(YANJI, YANJI_T1)


def test_shipped_tree_is_complete_and_idempotent(regions):
    assert Region.objects.count() == 1154
    assert Region.objects.filter(level="township").count() == 1075
    assert queries.get_region("220184").name == "公主岭市"
    assert queries.get_region(YANJI).parent_id == "222400000000"
    with all_regions():
        assert actions.load_divisions() == 0
    for r in Region.objects.exclude(parent=None).select_related("parent"):
        assert r.code.startswith(r.parent.prefix)


def test_ancestors():
    assert queries.ancestors(YANJI_T1) == [YANJI_T1, YANJI, "222400000000", "220000000000"]


def test_admin_adds_a_village(regions):
    with all_regions():
        v = actions.add_region(actor="admin", parent_code=YANJI_T1, code="222401001201", name="示例社区")
    assert v.level == "village" and v.prefix == "222401001201"
    assert v.full_name.endswith("进学街道示例社区")
    with all_regions():
        assert AuditEvent.objects.filter(action="regions.add", subject_id="222401001201").exists()


@pytest.mark.parametrize(
    "code,message",
    [
        ("222402001201", "应以上级代码"),  # other county
        ("222401001000", "本级位不能全为0"),
        ("22240100120", "12位数字"),
        ("2224010012AB", "12位数字"),
    ],
)
def test_add_region_refuses_bad_codes(regions, code, message):
    with all_regions(), pytest.raises(actions.RegionError, match=message):
        actions.add_region(actor="admin", parent_code=YANJI_T1, code=code, name="坏社区")


def test_add_region_refuses_duplicates_and_unknown_parent(regions):
    with all_regions():
        actions.add_region(actor="admin", parent_code=YANJI_T1, code="222401001202", name="甲社区")
        with pytest.raises(actions.RegionError, match="已存在"):
            actions.add_region(actor="admin", parent_code=YANJI_T1, code="222401001202", name="乙社区")
        with pytest.raises(actions.RegionError, match="上级区划不存在"):
            actions.add_region(actor="admin", parent_code="229999000000", code="229999000001", name="x")
