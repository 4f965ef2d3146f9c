"""The menu: entries are registered by the apps (``core.shell``) and each asks its view's own access check."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from doudi.core.shell import nav_entries
from doudi.web import nav
from tests.conftest import PROVINCE, YANJI

pytestmark = pytest.mark.django_db


def test_every_entry_has_a_view_with_an_access_check():
    for entry in nav_entries():
        nav._target(entry.url_name)  # raises ImproperlyConfigured for a view without scoped_view


def test_the_apps_register_the_menu_in_its_order():
    assert [e.label for e in nav_entries()] == [
        "首页",
        "家庭查询",
        "登记新家庭",
        "数据质量",
        "救助申请",
        "救助金发放",
        "审计日志",
        "临时救助",
        "救助服务",
        "今日服务",
        "投诉举报",
        "信息公开",
        "服务清单与合同",
        "服务结算",
        "慈善帮扶",
        "抽查核查",
        "需求信息库",
        "统计分析",
        "绩效评价",
        "区划",
        "预警",
        "需求推送",
        "需求统计",
        "无法分派记录",
        "节假日",
        "监测督导",
        "文书",
        "文书模板",
        "政策参数",
        "测算与模拟",
        "数据报送",
        "用户管理",
    ]


def test_a_view_without_an_access_check_cannot_be_in_the_menu():
    with pytest.raises(ImproperlyConfigured):
        nav._target("web:login")


def test_one_current_entry_the_most_specific(make_user):
    admin = make_user("administrator", PROVINCE)
    items = nav.entries(admin, "registry:quality", "registry")
    assert [i["label"] for i in items if i["current"]] == ["数据质量"]
    items = nav.entries(admin, "registry:household", "registry")
    assert [i["label"] for i in items if i["current"]] == ["家庭查询"]
    assert not any(i["current"] for i in nav.entries(admin, "monitoring:notifications", "monitoring"))


def test_roles_see_only_what_they_may_open(make_user):
    labels = lambda user: [i["label"] for i in nav.entries(user)]  # noqa: E731
    assert labels(make_user("charity", PROVINCE)) == ["首页", "需求信息库", "区划", "政策参数"]
    assert labels(make_user("department_user", PROVINCE, department="disabled_federation")) == [
        "首页",
        "区划",
        "需求推送",
        "需求统计",
        "政策参数",
        "数据报送",
    ]
    county = labels(make_user("county_officer", YANJI))
    assert "审计日志" not in county and "节假日" not in county and "预警" in county
