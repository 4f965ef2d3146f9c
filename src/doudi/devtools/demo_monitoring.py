"""Demo department batches for the warning loop (the last step of ``doudi demo seed``).

Small synthetic batches about demo households of 延吉市 (mostly 进学街道, the demo township) and about a
few people NOT in the registry, written as CSV files and taken through the product's own path:
``exchange.actions.import_file`` (validation, blind indexes, the store) → linkage (``pipeline.steps.link``,
which marks the batches linked) → one incremental monitoring scan of the new batches (``pipeline.steps.scan``). The demo county
inbox then holds warnings of several causes and levels (因残, 因失业 incl. a red zero-employment household,
因病, 因灾 incl. a red collapsed dwelling, 收入骤减, 人口变化 with a red main-earner death, 因学, 反向核查,
防返贫) and a few potential cases (主动发现, sent straight to their townships). The monthly full scan
(``doudi monitor run``) adds the policy-reach checks (W-GAP) on top: ~200 on the default demo, whose
households have no need pushes yet.

Idempotent: a dataset whose demo file (``doudi-demo-<dataset>.csv``) was already received is not
generated again; batches not linked yet are linked; the scan only looks at batches no scan has seen.
Dates are relative to the day the demo is seeded, so the warnings are current.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from doudi.core import idnumber
from doudi.exchange.actions import import_file
from doudi.exchange.models import Batch
from doudi.monitoring.scans import scan
from doudi.pipeline import steps
from doudi.registry.identity import index_for
from doudi.registry.models import Household, HouseholdFact, Person, PersonFact

ACTOR = "demo seed"
PREFIX = "doudi-demo-"
COUNTY = "222401"  # 延吉市, the demo county
TOWNSHIP = "222401001000"  # 进学街道, the demo township
OTHER_TOWNSHIP = "222401002000"  # 北山街道
PROVIDERS = {
    "disability": "disabled_federation",
    "unemployment": "hrss",
    "medical_expense": "medical_insurance",
    "serious_illness": "health",
    "death": "public_security",
    "disaster": "emergency",
    "student": "education",
    "social_insurance": "hrss",
    "vehicle": "public_security",
    "fpjc": "agriculture",
    "household_registration": "public_security",
    "marriage": "civil_affairs",
    "public_payroll": "finance",
}
COMMON = ["record_id", "id_number", "name", "sex", "birth_date", "region_code"]


@dataclass
class MonitoringSeed:
    imported: list[int] = field(default_factory=list)
    linked: list[int] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    new_warnings: int = 0
    potential_cases: int = 0


@dataclass
class Member:
    person: Person
    household: Household
    age: int
    employed: bool | None
    severe: bool
    in_school: bool

    def row(self, rid: str) -> dict:
        p = self.person
        return {"record_id": rid, "id_number": p.id_number(), "name": p.name, "sex": p.sex,
                "birth_date": p.birth_date.isoformat() if p.birth_date else "", "region_code": p.region_code}  # fmt: skip


def _age(born: dt.date | None, on: dt.date) -> int:
    if born is None:
        return -1
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _members(today: dt.date) -> dict[int, list[Member]]:
    """Current members of the demo households of 延吉, by household (a few hundred rows)."""
    persons = list(
        Person.unscoped.filter(
            person_key__startswith="DEMO-", region_code__startswith=COUNTY, household__isnull=False
        )
        .select_related("household")
        .order_by("household__household_key", "person_key")
    )
    ids = [p.pk for p in persons]
    facts: dict[tuple[int, str], PersonFact] = {}
    for f in PersonFact.unscoped.filter(person_id__in=ids, kind__in=["employment", "disability", "schooling"],
                                        valid_to__isnull=True).order_by("valid_from"):  # fmt: skip
        facts[(f.person_id, f.kind)] = f
    out: dict[int, list[Member]] = {}
    for p in persons:
        emp = facts.get((p.pk, "employment"))
        dis = facts.get((p.pk, "disability"))
        school = facts.get((p.pk, "schooling"))
        dis_data: dict = (dis.data() if dis else None) or {}
        severe = bool(dis_data) and (int(dis_data.get("grade", 9)) <= 2 or (
            int(dis_data.get("grade", 9)) == 3 and dis_data.get("kind") in ("intellectual", "mental")))  # fmt: skip
        assert p.household_id is not None and p.household is not None  # filtered above
        out.setdefault(p.household_id, []).append(Member(
            p, p.household, _age(p.birth_date, today), (emp.data() or {}).get("employed") if emp else None,
            severe, bool(school and (school.data() or {}).get("in_school")),
        ))  # fmt: skip
    return out


def _annual_income(household_id: int) -> Decimal | None:
    fact = HouseholdFact.unscoped.filter(
        household_id=household_id, kind="income", valid_to__isnull=True
    ).first()
    if fact is None:
        return None
    data = fact.data() or {}
    total, months = Decimal(str(data.get("total") or 0)), Decimal(str(data.get("months") or 12))
    return (total * 12 / months).quantize(Decimal("0.01")) if months else None


def _month(d: dt.date, back: int) -> str:
    y, m = divmod(d.year * 12 + d.month - 1 - back, 12)
    return f"{y:04d}-{m + 1:02d}"


def _outsider(n: int, born: dt.date, male: bool) -> str:
    for seq in range(400 + n, 500):
        number = idnumber.make(COUNTY, born, seq, male=male)
        if not Person.unscoped.filter(id_index=index_for(number)).exists():
            return number
    raise RuntimeError("no free demo identity number")


def build_rows(today: dt.date) -> dict[str, list[dict]]:
    """The demo records, by dataset (deterministic for a given registry and day)."""
    households = _members(today)
    town = [ms for ms in households.values() if ms[0].household.region_code == TOWNSHIP]
    town += [ms for ms in households.values() if ms[0].household.region_code != TOWNSHIP]
    used: set[int] = set()

    def pick(test, n: int = 1, exclude_household: bool = True) -> list[Member]:
        found = []
        for ms in town:
            if exclude_household and ms[0].household.pk in used:
                continue
            for m in ms:
                if test(m, ms):
                    found.append(m)
                    used.add(m.household.pk)
                    break
            if len(found) == n:
                break
        return found

    working = lambda m: 16 <= m.age < 60  # noqa: E731
    rows: dict[str, list[dict]] = {k: [] for k in PROVIDERS}
    d = lambda days: (today - dt.timedelta(days=days)).isoformat()  # noqa: E731

    # 因残: newly severe disability
    for i, m in enumerate(pick(lambda m, ms: 18 <= m.age < 70 and not m.severe, 3)):
        kind, grade = (("physical", 2), ("visual", 1), ("intellectual", 3))[i]
        rows["disability"].append({**m.row(f"DIS-{i + 1}"), "disability_kind": kind, "disability_grade": grade,
                                   "certified_on": d(20 + i)})  # fmt: skip
    # 因失业: one with an employed co-member, one in a household where nobody else works (red)
    yellow = pick(lambda m, ms: working(m) and any(o is not m and working(o) and o.employed for o in ms))
    red = pick(lambda m, ms: working(m) and not any(o is not m and working(o) and o.employed for o in ms))
    for i, m in enumerate(yellow + red):
        rows["unemployment"].append({**m.row(f"UNE-{i + 1}"), "registered_on": d(30 + i), "ended_on": ""})
    # 因病: out-of-pocket over the last 3 months at 60 % and at 120 % of the annual income (red)
    for i, (m, share) in enumerate(zip(pick(lambda m, ms: _annual_income(m.household.pk), 2), ("0.6", "1.2"),
                                       strict=False)):  # fmt: skip
        oop = ((_annual_income(m.household.pk) or Decimal(0)) * Decimal(share) / 2).quantize(
            Decimal(1), ROUND_CEILING
        )
        for j in range(2):
            rows["medical_expense"].append({**m.row(f"MED-{i + 1}-{j + 1}"), "period_start": d(80 - 35 * j),
                                            "period_end": d(50 - 35 * j), "total_expense": str(oop * 3),
                                            "out_of_pocket": str(oop)})  # fmt: skip
    for i, m in enumerate(pick(lambda m, ms: m.age >= 40)):
        rows["serious_illness"].append(
            {**m.row(f"ILL-{i + 1}"), "diagnosis_code": "C34.9", "diagnosed_on": d(25)}
        )
    # 人口变化: the main earner (highest social-insurance base) of a two-adult household dies (red)
    month_1, month_2 = _month(today, 1), _month(today, 2)
    earner = pick(lambda m, ms: working(m) and sum(working(o) for o in ms) >= 2)
    for m in earner:
        other = next(o for o in households[m.household.pk] if o is not m and working(o))
        for month in (month_2, month_1):
            rows["social_insurance"].append({**m.row(f"SI-E-{month}"), "month": month, "contribution_base": "4800",
                                             "pension_monthly": ""})  # fmt: skip
            rows["social_insurance"].append({**other.row(f"SI-O-{month}"), "month": month,
                                             "contribution_base": "2100", "pension_monthly": ""})  # fmt: skip
        rows["death"].append({**m.row("DTH-1"), "died_on": today.replace(day=1).isoformat()})
    # 收入骤减: one of two insured members stops contributing (down by more than 30 %)
    for m in pick(lambda m, ms: working(m) and sum(working(o) for o in ms) >= 2):
        other = next(o for o in households[m.household.pk] if o is not m and working(o))
        rows["social_insurance"] += [
            {**m.row(f"SI-A-{month_2}"), "month": month_2, "contribution_base": "3900", "pension_monthly": ""},
            {**other.row(f"SI-B-{month_2}"), "month": month_2, "contribution_base": "2600", "pension_monthly": ""},
            {**other.row(f"SI-B-{month_1}"), "month": month_1, "contribution_base": "2600", "pension_monthly": ""},
        ]  # fmt: skip
    # 因灾: a damaged and a collapsed dwelling (red)
    for i, (m, damage) in enumerate(zip(pick(lambda m, ms: m.person.relation == "head", 2), ("minor", "collapsed"),
                                        strict=False)):  # fmt: skip
        rows["disaster"].append({**m.row(f"DSR-{i + 1}"), "event": f"{today.year}年暴雨洪涝", "occurred_on": d(15),
                                 "dwelling_damage": damage})  # fmt: skip
    # 因学: students identified as from economically disadvantaged families
    for i, m in enumerate(pick(lambda m, ms: 7 <= m.age <= 20, 2)):
        rows["student"].append({**m.row(f"STU-{i + 1}"), "stage": "senior" if m.age >= 15 else "junior",
                                "school": "延吉市第一中学", "hardship_flag": "是"})  # fmt: skip
    # 反向核查: a DIBAO/TEKUN member registers a car
    for i, m in enumerate(pick(lambda m, ms: m.age >= 25)):
        rows["vehicle"].append({**m.row(f"VEH-{i + 1}"), "vehicle_type": "小型轿车", "registered_on": d(12)})
    # 反向核查: a member on the public payroll
    for i, m in enumerate(pick(lambda m, ms: working(m))):
        rows["public_payroll"].append({**m.row(f"PAY-{i + 1}"), "employer": "延吉市某事业单位", "month": month_1,
                                       "gross_pay": "5200"})  # fmt: skip
    # 人口变化: a birth registered under a household's number, a member moving out, a marriage
    for i, m in enumerate(pick(lambda m, ms: m.person.relation == "head")):
        born = today - dt.timedelta(days=20)
        rows["household_registration"].append({
            "record_id": f"HR-B{i + 1}", "id_number": _outsider(10 + i, born, True), "name": m.person.name[:1] + "小宝",
            "sex": "M", "birth_date": born.isoformat(), "region_code": m.person.region_code, "event": "birth",
            "event_on": born.isoformat(), "household_number": m.household.household_key, "to_region_code": ""})  # fmt: skip
    for i, m in enumerate(pick(lambda m, ms: 18 <= m.age < 40 and len(ms) >= 2)):
        rows["household_registration"].append({**m.row(f"HR-M{i + 1}"), "event": "move_out", "event_on": d(22),
                                               "household_number": m.household.household_key,
                                               "to_region_code": "220102001000"})  # fmt: skip
    for i, m in enumerate(pick(lambda m, ms: 20 <= m.age < 50)):
        rows["marriage"].append({**m.row(f"MAR-{i + 1}"), "event": "married", "event_on": d(28),
                                 "spouse_id_number": "", "spouse_name": "张丽"})  # fmt: skip
    for i, m in enumerate(pick(lambda m, ms: True)):
        rows["fpjc"].append({**m.row(f"FP-{i + 1}"), "flagged_on": d(18), "risk_type": "因病返贫风险"})
    # 主动发现: people not in the registry with strong hardship signals
    outsiders = [("崔永哲", dt.date(1968, 4, 12), True, TOWNSHIP), ("朴顺姬", dt.date(1975, 9, 3), False, TOWNSHIP),
                 ("王德发", dt.date(1959, 1, 22), True, OTHER_TOWNSHIP), ("李秀兰", dt.date(1982, 6, 30), False, TOWNSHIP)]  # fmt: skip
    for i, (name, born, male, region) in enumerate(outsiders):
        base = {"record_id": "", "id_number": _outsider(i, born, male), "name": name, "sex": "M" if male else "F",
                "birth_date": born.isoformat(), "region_code": region}  # fmt: skip
        if i < 2:
            rows["disability"].append({**base, "record_id": f"DIS-X{i + 1}", "disability_kind": "physical",
                                       "disability_grade": 1 + i, "certified_on": d(40)})  # fmt: skip
        elif i == 2:
            rows["disaster"].append({**base, "record_id": "DSR-X1", "event": f"{today.year}年暴雨洪涝",
                                     "occurred_on": d(15), "dwelling_damage": "collapsed"})  # fmt: skip
        else:
            rows["medical_expense"].append({**base, "record_id": "MED-X1", "period_start": d(70), "period_end": d(40),
                                            "total_expense": "52000", "out_of_pocket": "26000"})  # fmt: skip
    return {k: v for k, v in rows.items() if v}


def _write(path: Path, rows: list[dict]) -> None:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def seed_monitoring(*, today: dt.date | None = None) -> MonitoringSeed:
    """Import, link and scan the demo department batches (run under ``all_regions()``)."""
    today = today or timezone.localdate()
    report = MonitoringSeed()
    demo = Batch.unscoped.filter(file_name__startswith=PREFIX).exclude(status=Batch.Status.FAILED)
    done = set(demo.values_list("dataset", flat=True))
    todo = {k: v for k, v in build_rows(today).items() if k not in done} if len(done) < len(PROVIDERS) else {}
    report.skipped = sorted(done)
    exports = Path(settings.DATA_DIR) / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=exports, prefix="demo-batches-") as tmp:
        for dataset, rows in todo.items():
            path = Path(tmp) / f"{PREFIX}{dataset}.csv"
            _write(path, rows)
            receipt = import_file(
                actor=ACTOR, path=path, dataset=dataset, provider=PROVIDERS[dataset], as_of=today
            )
            if receipt.created:
                report.imported.append(receipt.batch.pk)
    pending = list(demo.filter(status=Batch.Status.LOADED).order_by("pk").values_list("pk", flat=True))
    if pending:
        steps.link(pending)
        report.linked = pending
    ids = set(demo.values_list("pk", flat=True))
    to_scan = [b for b in scan.pending_batches() if b in ids]
    if to_scan:
        result = steps.scan(to_scan, actor=ACTOR, today=today)
        report.new_warnings = result.total("new")
        report.potential_cases = result.potential.get("new", 0)
    return report
