"""Who sees and moves an application (R-S5, R-W17, R-W10): a township never sees another township's
applications by any path (API list, detail, events, authorizations, cases, letters; the command line
with --as); the county sees its townships; city and province read but never move a file (403);
department and charity users have no casework at all (403) and no letters."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.casework.models import Application
from doudi.core.scoping import all_regions
from doudi.letters.models import Letter
from tests.api.conftest import Caller, body
from tests.conftest import CHANGCHUN, NANGUAN_T1, PROVINCE, YANBIAN, YANJI_T2

pytestmark = pytest.mark.django_db
D = dt.date
URL = "/api/v1/applications"


@pytest.fixture
def caller(client):
    from doudi.accounts.actions import create_token

    def make(user) -> Caller:
        with all_regions():
            return Caller(client, create_token(actor="test", user=user, name="test"))

    return make


@pytest.fixture
def confirmed(walk):
    """An application of 进学街道 confirmed by 延吉市, with its receipt, notice and confirmation letters."""
    app = walk.event(walk.to_authority(), "confirm", D(2026, 11, 13), who="county")
    letter = Letter.unscoped.filter(ref_type="casework.application", ref_id=app.pk).order_by("pk").first()
    return app, letter


def paths(app: Application, letter: Letter) -> dict[str, tuple[str, str, dict | None]]:
    return {
        "detail": ("get", f"{URL}/{app.pk}", None),
        "event": ("post", f"{URL}/{app.pk}/events", {"event": "withdraw", "reason": "试探"}),
        "authorization": (
            "post",
            f"{URL}/{app.pk}/authorizations",
            {"person_id": app.applicant_id, "method": "paper"},
        ),
        "commitment": ("post", f"{URL}/{app.pk}/commitment", {}),
        "cases": ("get", f"/api/v1/households/{app.household_id}/cases", None),
        "letter": ("get", f"/api/v1/letters/{letter.pk}.pdf", None),
        "letter_detail": ("get", f"/api/v1/letters/{letter.pk}", None),
        "new_application": ("post", URL, {"household_id": app.household_id, "channel": "window"}),
    }


WRITES = ("authorization", "commitment", "new_application")


def call(who: Caller, method: str, url: str, data):
    return who.get(url) if method == "get" else who.post(url, data)


def listed(who: Caller) -> list[int]:
    response = who.get(URL)
    assert response.status_code == 200
    return [item["id"] for item in body(response)["items"]]


@pytest.mark.parametrize(
    "where",
    [
        ("township_caseworker", NANGUAN_T1),  # a township of another city
        ("township_caseworker", YANJI_T2),  # a neighbouring township of the same county
        ("county_officer", "220102000000"),  # another county
        ("grid_worker", YANJI_T2),
        ("city_officer", CHANGCHUN),  # another city
    ],
)
def test_outside_the_subtree_nothing_is_found_by_any_path(confirmed, make_user, caller, where):
    app, letter = confirmed
    user = make_user(*where)
    who = caller(user)
    assert app.pk not in listed(who)
    for name, (method, url, data) in paths(app, letter).items():
        response = call(who, method, url, data)
        if name in WRITES and user.role in ("grid_worker", "city_officer"):
            # refused by role before any record is looked up: the same answer for a missing id
            assert response.status_code == 403, name
            missing = call(who, method, url.replace(f"/{app.pk}/", "/999999/"), data)
            assert (missing.status_code, body(missing)) == (403, body(response)), name
            continue
        assert response.status_code == 404, (name, response.status_code, response.content)
        assert body(response) == {"error": "记录不存在"}, name  # the same answer as a missing id
    assert body(who.get(f"{URL}/{app.pk + 1000}")) == body(who.get(f"{URL}/{app.pk}"))
    with all_regions():
        assert Application.objects.get(pk=app.pk).state == "confirmed"


def test_the_command_line_as_another_township_finds_nothing(confirmed, staff):
    app, _ = confirmed
    other = staff["other_township"].username
    out = io.StringIO()
    call_command("casework", "list", "--as", other, stdout=out)
    assert out.getvalue().splitlines() == ["applications: 0"]
    for args in (("show", str(app.pk)), ("event", str(app.pk), "withdraw", "--field", "reason=试探")):
        with pytest.raises(CommandError) as exc:
            call_command("casework", *args, "--as", other, stdout=io.StringIO())
        assert exc.value.returncode == 2 and "不存在" in str(exc.value)
    with pytest.raises(CommandError) as exc:
        call_command(
            "casework", "open", "--as", other, "--household", str(app.household_id), stdout=io.StringIO()
        )
    assert exc.value.returncode == 2 and "不存在" in str(exc.value)
    out = io.StringIO()
    call_command("casework", "list", "--as", staff["county"].username, stdout=out)
    assert out.getvalue().splitlines()[-1] == "applications: 1"


def test_the_county_sees_and_moves_its_townships_files(walk, staff, caller):
    app = walk.to_authority()
    county = caller(staff["county"])
    assert app.pk in listed(county)
    assert body(county.get(f"{URL}/{app.pk}"))["state"] == "awaiting_confirmation"
    response = county.post(f"{URL}/{app.pk}/events", {"event": "confirm", "on": "2026-11-13"})
    assert response.status_code == 200 and body(response)["state"] == "confirmed"
    assert county.get(body(response)["letters"][-1]["url"]).status_code == 200


@pytest.mark.parametrize("where", [("city_officer", YANBIAN), ("province_officer", PROVINCE)])
def test_city_and_province_read_but_cannot_move_a_file(walk, make_user, caller, where):
    app = walk.to_authority()
    who = caller(make_user(*where))
    assert app.pk in listed(who)
    detail = who.get(f"{URL}/{app.pk}")
    assert detail.status_code == 200 and body(detail)["state"] == "awaiting_confirmation"
    for event in ("confirm", "withdraw", "refuse"):
        response = who.post(f"{URL}/{app.pk}/events", {"event": event, "reason": "x", "reasons": ["x"]})
        assert response.status_code == 403, (event, response.content)
    assert who.post(f"{URL}/{app.pk}/commitment", {}).status_code == 403
    assert who.post(URL, {"household_id": walk.household.pk, "channel": "window"}).status_code == 403
    letter = body(detail)["letters"][0]["url"]
    assert who.get(letter).status_code == 200  # reading the file includes its letters
    with all_regions():
        assert Application.objects.get(pk=app.pk).state == "awaiting_confirmation"


@pytest.mark.parametrize(
    "spec", [("department_user", PROVINCE, "disabled_federation"), ("charity", PROVINCE, "")]
)
def test_departments_and_charities_have_no_casework(confirmed, make_user, caller, spec):
    app, letter = confirmed
    role, region, department = spec
    who = caller(make_user(role, region, department=department))
    assert who.get(URL).status_code == 403
    for name, (method, url, data) in paths(app, letter).items():
        response = call(who, method, url, data)
        assert response.status_code in (403, 404), name
        assert "error" in body(response)
        if name in ("detail", "event", "cases", "letter"):
            assert response.status_code == 403, name  # refused by role, before any record is looked up


def test_a_grid_worker_records_the_visit_but_nothing_else(walk, staff, caller):
    app = walk.authorize(walk.open())
    walk.event(app, "accept", D(2026, 11, 2))
    grid = caller(staff["grid"])
    visit = {
        "event": "record_investigation",
        "on": "2026-11-03",
        "investigators": ["朴志勇", "金美兰"],
        "findings": "两位老人，无劳动能力",
    }
    assert grid.post(f"{URL}/{app.pk}/events", visit).status_code == 200
    assert grid.post(f"{URL}/{app.pk}/events", {"event": "withdraw", "reason": "x"}).status_code == 403
