"""Template editing: a new version per save (old ones kept), the next letter uses it, a broken
template is a Chinese error, only province administrators may edit."""

from __future__ import annotations

import pytest

from doudi.core.models import AuditEvent
from doudi.letters import actions
from doudi.letters.models import LetterTemplate
from doudi.letters.render import LetterError, default_body
from tests.conftest import PROVINCE, YANJI
from tests.letters.conftest import pdf_text


@pytest.fixture
def province_admin(make_user):
    return make_user("province_officer", PROVINCE)


def test_a_save_adds_a_version_and_the_next_letter_uses_it(issue, province_admin):
    body = default_body("confirmation") + "<p>本通知书第二版试行条款。</p>"
    v1 = actions.save_template(actor=province_admin, kind="confirmation", title="低保确认通知书", body=body)
    v2 = actions.save_template(
        actor=province_admin,
        kind="confirmation",
        title="低保确认通知书",
        body=body + "<p>第三段。</p>",
        note="补充",
    )
    assert (v1.version, v2.version) == (1, 2)
    assert LetterTemplate.objects.filter(kind="confirmation").count() == 2  # the old version is kept
    letter = issue()
    assert letter.template_version == 2 and letter.title == "低保确认通知书"
    text = pdf_text(letter.pdf_bytes())
    assert "本通知书第二版试行条款" in text and "第三段" in text and "低保确认通知书" in text
    assert AuditEvent.unscoped.filter(action="letters.template_save").count() == 2


@pytest.mark.parametrize(
    "body, message",
    [
        ("<p>{% if applicant_name %}未闭合</p>", "语法错误"),
        ("<p>{% frobnicate %}</p>", "第1行有语法错误"),
        ("<p>{{ applicant_name|no_such_filter }}</p>", "语法错误"),
        ("   ", "不能为空"),
    ],
)
def test_an_invalid_template_is_a_chinese_error(province_admin, body, message):
    with pytest.raises(LetterError, match=message):
        actions.save_template(actor=province_admin, kind="receipt", title="受理回执", body=body)
    assert not LetterTemplate.objects.exists()


@pytest.mark.parametrize("role, region", [("township_caseworker", "222401001000"), ("county_officer", YANJI)])
def test_only_province_administrators_edit_templates(make_user, role, region):
    with pytest.raises(LetterError, match="只有省级民政或系统管理员"):
        actions.save_template(
            actor=make_user(role, region), kind="receipt", title="受理回执", body=default_body("receipt")
        )
    assert not LetterTemplate.objects.exists()


def test_administrator_may_edit(make_user):
    admin = make_user("administrator", PROVINCE)
    tpl = actions.save_template(actor=admin, kind="receipt", title="受理回执", body=default_body("receipt"))
    assert tpl.version == 1 and tpl.edited_by == admin


def test_editor_pages(client, province_admin, make_user):
    client.force_login(province_admin)
    page = client.get("/letters/templates/")
    assert page.status_code == 200 and "确认通知书" in page.content.decode()
    edit = client.get("/letters/templates/refusal/")
    assert edit.status_code == 200 and "failed_conditions" in edit.content.decode()
    preview = client.post(
        "/letters/templates/refusal/",
        {"title": "不予确认告知书", "body": default_body("refusal"), "preview": "1"},
    )
    assert preview["Content-Type"] == "application/pdf"
    assert "不予确认告知书" in pdf_text(preview.content)
    assert not LetterTemplate.objects.exists()  # a preview saves nothing
    bad = client.post(
        "/letters/templates/refusal/", {"title": "不予确认告知书", "body": "{% if x %}", "save": "1"}
    )
    assert bad.status_code == 200 and "语法错误" in bad.content.decode()
    saved = client.post(
        "/letters/templates/refusal/",
        {"title": "不予确认告知书", "body": default_body("refusal"), "save": "1"},
    )
    assert saved.status_code == 302 and LetterTemplate.objects.get().version == 1

    client.force_login(make_user("township_caseworker", "222401001000"))
    assert client.get("/letters/templates/").status_code == 403
    assert client.get("/letters/templates/refusal/").status_code == 403


def test_an_edited_template_cannot_make_the_server_read_files(issue, province_admin, tmp_path):
    sheet = tmp_path / "leak.css"
    sheet.write_text('p::after { content: "LEAKED" }')
    body = f'<link rel="stylesheet" href="file://{sheet}"><style>@import url("file://{sheet}");</style><p>正文</p>'
    actions.save_template(actor=province_admin, kind="confirmation", title="确认通知书", body=body)
    text = pdf_text(issue().pdf_bytes())
    assert "正文" in text and "LEAKED" not in text
