"""Fixtures of the scan tests: a temporary store, batches written straight into it (records + links,
as intake and matching would), and registry households built through the registry actions."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from doudi.core import idnumber, store
from doudi.core.scoping import all_regions
from doudi.datasets import DATASETS
from doudi.exchange.intake import column_type
from tests.support import store_records

D = dt.date
AS_OF = D(2025, 8, 1)
TODAY = D(2025, 8, 4)  # a Monday
T1 = "222401001000"  # 延吉市 进学街道
T2 = "222401002000"  # 延吉市 北山街道
NG = "220102001000"  # 长春市 南关区 南岭街道
_seq = itertools.count(1)


@pytest.fixture
def store_dir(tmp_path, settings):
    settings.DOUDI_STORE_DIR = tmp_path / "store"
    return settings.DOUDI_STORE_DIR


@pytest.fixture
def baseline(regions):
    from doudi.policy import params_store
    from doudi.policy.actions import load_baseline_parameters

    load_baseline_parameters(actor="test")
    params_store.clear_cache()
    yield
    params_store.clear_cache()


def write_batch(
    batch_id: int, dataset: str, rows: list[dict], *, as_of: dt.date = AS_OF, masked: bool = False
) -> int:
    """Write ``records.parquet`` and ``links.parquet`` of a batch. Each row: ``person`` (a registry
    Person, or None for an unmatched record), optional ``id_number``/``name``/``region_code`` and the
    dataset's own columns. ``masked``: with the ``id_masked`` column today's intake writes."""
    ds = DATASETS[dataset]
    common, own, links = [], {c.key: [] for c in ds.columns}, []
    for i, row in enumerate(rows):
        person = row.get("person")
        rid = row.get("record_id") or f"R{batch_id}-{i + 1}"
        number = row.get("id_number", person.id_number() if person is not None else None)
        rec = store_records.record(
            rid,
            id_number=number,
            name=row.get("name") or (person.name if person is not None else "无名氏"),
            sex=row.get("sex"),
            birth_date=row.get("birth_date"),
            region_code=row.get("region_code", person.region_code if person is not None else None),
        )
        common.append(rec)
        for c in ds.columns:
            own[c.key].append(row.get(c.key))
        links.append(
            {"record_id": rid, "person_id": person.pk if person is not None else None,
             "person_key": person.person_key if person is not None else None,
             "method": "exact" if person is not None else "none", "score": 1.0 if person is not None else 0.0}
        )  # fmt: skip
    base = store_records.records_table(common)
    cols = {name: base.column(name) for name in base.column_names if name != "extra"}
    for c in ds.columns:
        cols[c.key] = pa.array(own[c.key], column_type(c))
    cols["extra"] = base.column("extra")
    if masked:
        numbers = [r.get("id_number", r["person"].id_number() if r.get("person") else None) for r in rows]
        cols["id_masked"] = pa.array([idnumber.mask(n) or None for n in numbers], pa.string())
    table = pa.table(cols).replace_schema_metadata(
        {"doudi.dataset": dataset, "doudi.contract": "records/1", "doudi.as_of": as_of.isoformat()}
    )
    path = store.records_path(batch_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    pq.write_table(
        pa.Table.from_pylist(
            links,
            schema=pa.schema(
                [
                    ("record_id", pa.string()),
                    ("person_id", pa.int64()),
                    ("person_key", pa.string()),
                    ("method", pa.string()),
                    ("score", pa.float64()),
                ]
            ),  # fmt: skip
        ),
        store.links_path(batch_id),
    )
    return batch_id


@dataclass
class Family:
    household: object
    members: list = field(default_factory=list)

    @property
    def head(self):
        return self.members[0]


def _reach_all(fam: Family) -> None:
    from doudi.monitoring.models import NeedPush
    from doudi.policy.rules.entitlements import ENTITLEMENTS

    NeedPush.unscoped.bulk_create(
        NeedPush(region_code=fam.household.region_code, household=fam.household, person=p, department=e.department,
                 need=e.code, status=NeedPush.Status.GIVEN)
        for p in fam.members for e in ENTITLEMENTS
    )  # fmt: skip


def make_family(
    key: str,
    *,
    region: str = T1,
    area: str = "urban",
    members: list[tuple] | None = None,
    category: str | None = "DIBAO",
    since: dt.date = dt.date(2024, 1, 1),  # noqa: B008
    income: dict | None = None,
    rigid: dict | None = None,
    reached: bool = True,
) -> Family:
    """A household with members ``(name, birth_date, male, relation, facts)`` where ``facts`` maps a
    person fact kind to its value. With a category, every assistance has reached its members (a given
    answer to each entitlement, R-P1) unless ``reached=False``: W-GAP stays quiet where a test is not
    about it."""
    from doudi.registry import actions

    members = members or [("户主", D(1975, 5, 5), True, "head", {})]
    with all_regions():
        hh = actions.create_household(actor="test", household_key=key, region_code=region, area_type=area,
                                      since=since)  # fmt: skip
        fam = Family(hh)
        for i, (name, born, male, relation, facts) in enumerate(members):
            n = next(_seq)
            person = actions.add_person_to_household(
                actor="test", household=hh, person_key=f"{key}-{i + 1}", name=name,
                id_number=idnumber.make(region[:6], born, 100 + n % 800, male=male), relation=relation, since=since,
            )  # fmt: skip
            for kind, value in facts.items():
                actions.record_person_fact(actor="test", person=person, kind=kind, value=value, valid_from=since,
                                           source="roster")  # fmt: skip
            if category:
                actions.set_category(
                    actor="test", person=person, category=category, since=since, source="roster"
                )
            fam.members.append(person)
        if category and reached:
            _reach_all(fam)
        if income is not None:
            actions.record_household_fact(actor="test", household=hh, kind="income", value=income,
                                          valid_from=since, source="roster")  # fmt: skip
        if rigid is not None:
            actions.record_household_fact(actor="test", household=hh, kind="rigid_expenditure", value=rigid,
                                          valid_from=since, source="roster")  # fmt: skip
    return fam


@pytest.fixture
def scan_env(db, regions, baseline, store_dir):
    """Everything a scan needs: the division tree, the parameter baseline and an empty store."""
    return store_dir


def run_all(as_of: dt.date = AS_OF, **kw):
    from doudi.monitoring.scans.scan import scan_all

    with all_regions():
        return scan_all(as_of, today=TODAY, **kw)


def run_batch(batch_id: int, **kw):
    from doudi.monitoring.scans.scan import scan_batch

    with all_regions():
        return scan_batch(batch_id, today=TODAY, **kw)


def open_warnings(indicator: str | None = None):
    from doudi.monitoring.models import EarlyWarning

    qs = EarlyWarning.unscoped.filter(is_open=True)
    if indicator:
        qs = qs.filter(indicator=indicator)
    return list(qs.order_by("id"))
