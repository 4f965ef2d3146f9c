"""The department portal and queries (R-P1, seed §17): the education department sees the confirmed DIBAO
student without anyone referring it, answers, and the chain shows it; another department or region gets
404; a result file with a bad row applies the good ones; the status query answers categories only."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.core.scoping import all_regions
from tests.web.conftest import assert_csp_clean

D = dt.date


@pytest.fixture
def confirmed(walk, student_family):
    walk.event(walk.to_authority(), "confirm", D(2026, 11, 13), who="county")
    return student_family


def _push(**kw):
    from doudi.monitoring.models import NeedPush

    with all_regions():
        return NeedPush.unscoped.get(**kw)


def test_education_department_answers_the_student_and_the_chain_shows_it(confirmed, depts, client):
    from doudi.monitoring.models import ChainEvent

    hh, _people, child = confirmed
    push = _push(household=hh, need="education_aid")
    client.force_login(depts["education"])
    page = client.get("/monitoring/needs/")
    assert page.status_code == 200
    assert_csp_clean(page)
    html = page.content.decode()
    assert f'data-need="{push.pk}"' in html and "崔小明" in html and child.id_masked in html
    assert "答复时限" in html and push.due_on.isoformat() in html
    assert "medical_premium" not in html  # only its own department's needs, and no raw codes
    r = client.post(
        f"/monitoring/needs/{push.pk}/answer/",
        {"status": "given", "amount": "1500", "feedback": "已发放助学金"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and "已救助" in r.content.decode()
    assert _push(pk=push.pk).status == "given"
    with all_regions():
        feedback = ChainEvent.unscoped.filter(household=hh, kind=ChainEvent.Kind.FEEDBACK, ref_id=push.pk)
        assert feedback.count() == 1 and "教育部门反馈：已救助" in feedback.get().summary
    assert f'data-need="{push.pk}"' in client.get("/monitoring/needs/?tab=given").content.decode()


def test_other_department_and_other_region_get_404(confirmed, depts, client):
    hh, _people, _child = confirmed
    push = _push(household=hh, need="education_aid")
    for who in ("medical", "education_other"):
        client.force_login(depts[who])
        assert f'data-need="{push.pk}"' not in client.get("/monitoring/needs/").content.decode()
        assert client.post(f"/monitoring/needs/{push.pk}/answer/", {"status": "accepted"}).status_code == 404
        assert client.post(f"/monitoring/needs/{push.pk}/reveal/").status_code == 404
    assert _push(pk=push.pk).status == "pushed"


def test_reveal_is_audited(confirmed, depts, client):
    from doudi.core.models import AuditEvent

    hh, _people, child = confirmed
    push = _push(household=hh, need="education_aid")
    client.force_login(depts["education"])
    r = client.post(f"/monitoring/needs/{push.pk}/reveal/")
    assert r.status_code == 200
    with all_regions():
        assert child.id_number() in r.content.decode()
        assert AuditEvent.objects.filter(action="needs.reveal_id", subject_id=str(child.pk)).count() == 1


def test_result_file_with_a_bad_row(confirmed, depts, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    hh, people, _child = confirmed
    medical = [_push(household=hh, person=p, need="medical_premium_fixed") for p in people]
    csv = (
        "需求编号,答复,救助金额,说明\n"
        f"{medical[0].pk},已救助,320,已资助参保\n"
        f"{medical[1].pk},不予救助,,\n"  # declined without a reason
        "abc,受理,,\n"
        "999999,受理,,\n"
    ).encode()
    client.force_login(depts["medical"])
    r = client.post("/monitoring/needs/upload/", {"file": SimpleUploadedFile("answers.csv", csv)})
    html = r.content.decode()
    assert r.status_code == 200
    assert 'id="applied-count">1<' in html
    assert "第 3 行：不予救助须说明理由" in html and "第 4 行" in html and "第 5 行" in html
    assert _push(pk=medical[0].pk).status == "given"
    assert _push(pk=medical[1].pk).status == "pushed"


def test_export_and_chart(confirmed, depts, staff, client):
    client.force_login(depts["education"])
    r = client.get("/monitoring/needs/export/?tab=new")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    page = client.get("/monitoring/needs/chart/")
    assert page.status_code == 200
    assert_csp_clean(page)
    html = page.content.decode()
    assert "教育" in html and "医疗保障" not in html  # a department sees its own figures
    # the county's civil affairs: every department of its county; no queue of its own
    client.force_login(staff["county"])
    html = client.get("/monitoring/needs/chart/").content.decode()
    assert "教育" in html and "医疗保障" in html
    assert client.get("/monitoring/needs/").status_code == 403


def test_status_query_api_answers_categories_only(confirmed, depts, client, settings):
    from doudi.accounts.actions import create_token
    from doudi.core.models import AuditEvent

    _hh, people, child = confirmed
    with all_regions():
        token = create_token(actor="test", user=depts["education"], name="教育接口")
        other = create_token(actor="test", user=depts["education_other"], name="外县")
        number = child.id_number()
    h = {"Authorization": f"Bearer {token}"}
    r = client.post("/api/v1/needs/status", {"id_number": number, "purpose": "education_aid"},
                    content_type="application/json", headers=h)  # fmt: skip
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"low_income", "categories"} and body["low_income"] is True
    assert [set(c) for c in body["categories"]] == [{"category", "label", "since"}]
    assert body["categories"][0]["category"] == "DIBAO" and body["categories"][0]["label"] == "低保对象"
    assert number not in r.content.decode() and "崔" not in r.content.decode()
    # another county's department: answered like a non-member
    r2 = client.post("/api/v1/needs/status", {"id_number": number, "purpose": "education_aid"},
                     content_type="application/json", headers={"Authorization": f"Bearer {other}"})  # fmt: skip
    assert r2.json() == {"low_income": False, "categories": []}
    # a purpose of another department is refused
    bad = client.post("/api/v1/needs/status", {"id_number": number, "purpose": "medical_premium_full"},
                      content_type="application/json", headers=h)  # fmt: skip
    assert bad.status_code in (400, 422)
    with all_regions():
        assert AuditEvent.objects.filter(action="needs.status_query").count() == 2
    # rate limit
    settings.DOUDI_NEEDS_QUERIES_PER_MINUTE = 1  # this user asked once already
    r3 = client.post("/api/v1/needs/status", {"id_number": number, "purpose": "education_aid"},
                     content_type="application/json", headers=h)  # fmt: skip
    assert r3.status_code == 429
    # the list owed for the year
    settings.DOUDI_NEEDS_QUERIES_PER_MINUTE = 30
    owed = client.get("/api/v1/needs/owed?purpose=education_aid&period=2026", headers=h)
    assert owed.status_code == 200 and [i["name"] for i in owed.json()["items"]] == ["崔小明"]
    csv = client.get("/api/v1/needs/owed?purpose=education_aid&period=2026&format=csv", headers=h)
    assert csv.status_code == 200 and "崔小明" in csv.content.decode("utf-8-sig")


def test_owed_list_page_downloads_excel_and_is_audited(confirmed, depts, client):
    from doudi.core.models import AuditEvent

    client.force_login(depts["education"])
    page = client.get("/monitoring/needs/owed/")
    assert page.status_code == 200
    assert_csp_clean(page)
    r = client.get("/monitoring/needs/owed/?purpose=education_aid&period=2026&format=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    r = client.get("/monitoring/needs/owed/?purpose=education_aid&period=2026-12&format=csv")
    assert "崔小明" in r.content.decode("utf-8-sig")
    with all_regions():
        assert AuditEvent.objects.filter(action="needs.owed_list").count() == 2
    # another department's assistance is not a purpose of education
    r = client.get("/monitoring/needs/owed/?purpose=medical_premium_full&period=2026", follow=True)
    assert "本部门的救助项目" in r.content.decode()


def test_queue_pages_are_the_queue_in_its_order_page_by_page(student_family, depts):
    """The paginator's source (two steps on PostgreSQL: ids from the region index, then the rows) gives
    every tab's rows in the queue's own order, page after page, and nothing of another region."""
    from doudi.core.scoping import user_scope, using_scope
    from doudi.monitoring.models import NeedPush
    from doudi.monitoring.needs import queries

    hh, _people, child = student_family
    user = depts["education"]
    dues = [D(2026, 12, 1), None, D(2026, 11, 20), D(2026, 12, 1), D(2026, 11, 20), None, D(2026, 12, 9)]
    with all_regions():
        mine = [
            NeedPush.unscoped.create(household=hh, person=child, department="education", need="education_aid",
                                     region_code=hh.region_code, due_on=due, status=status)
            for due in dues for status in ("pushed", "accepted")
        ]  # fmt: skip
        NeedPush.unscoped.create(household=hh, person=child, department="education", need="education_aid",
                                 region_code="220102001001", due_on=D(2026, 11, 1))  # fmt: skip
    with using_scope(user_scope(user)):
        for tab in ("new", "accepted", "overdue"):
            whole = [p.pk for p in queries.queue(user, tab, D(2026, 12, 2))]
            pages = queries.queue_pages(user, tab, D(2026, 12, 2))
            paged = [p.pk for k in range(0, len(whole) + 3, 3) for p in pages[k : k + 3]]
            assert paged == whole and set(whole) <= {p.pk for p in mine}, tab
        assert len(whole) == 4  # the overdue: pushed, due before 2026-12-02
